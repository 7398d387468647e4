// All-to-all exchange of byte blocks of any size.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

#include "../util/byte_buffer.hpp"

namespace kiln::mpi {

struct ExchangeResult {
  ByteBuffer bytes;               // what every source sent, source by source
  std::vector<uint64_t> offsets;  // bytes from source s are [offsets[s], offsets[s+1])
};

// Every rank of `comm` sends sendCounts[d] bytes (laid out destination by destination in `send`)
// to rank d. MPI counts and displacements are ints, so an exchange larger than `maxRoundBytes`
// (at most INT_MAX) on any rank runs in rounds through staging buffers; smaller ones go in one
// MPI_Alltoallv straight from `send`.
ExchangeResult alltoallvBytes(MPI_Comm comm, const ByteBuffer& send,
                              const std::vector<uint64_t>& sendCounts, uint64_t maxRoundBytes);

}  // namespace kiln::mpi
