// All-to-all exchange of byte blocks of any size.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <span>
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

// The same exchange for data that need not sit in one buffer (it may be on disk, or too big):
// what goes to rank d is a stream of sendCounts[d] bytes that fill(d, dst) produces in order,
// what arrives from rank s goes to consume(s, bytes) in order. Each round moves at most
// `pairBytes` of every stream, through two staging buffers of size-of-comm x pairBytes; the
// whole exchange never holds more than that. Collective; every rank must call it.
//
// With receiveInto, the caller may take the arriving bytes in one buffer instead: once the
// total is known (and fits an int), receiveInto(total) returns memory for it or nullptr. Given
// memory, the bytes from rank s land at [offset(s), offset(s) + count(s)) of it, source by
// source, with no staging copy, and consume is not called; the return value says which way it
// went. Ranks decide independently.
using ExchangeFill = std::function<void(int dest, std::span<std::byte> dst)>;
using ExchangeConsume = std::function<void(int source, std::span<const std::byte> bytes)>;
using ExchangeReceiveInto = std::function<std::byte*(uint64_t totalBytes)>;
bool alltoallvStreamed(MPI_Comm comm, const std::vector<uint64_t>& sendCounts, uint64_t pairBytes,
                       const ExchangeFill& fill, const ExchangeConsume& consume,
                       const ExchangeReceiveInto& receiveInto = {});

}  // namespace kiln::mpi
