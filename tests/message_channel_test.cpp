// Byte messages between real MPI ranks: every size around the piece boundary arrives whole and
// in order. A small piece size exercises the multi-piece path that 1 GiB messages take.
#include "../mpi/message_channel.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kiln::mpi {
namespace {

ByteBuffer patterned(size_t size, int from) {
  ByteBuffer b(size);
  for (size_t i = 0; i < size; ++i) b.data()[i] = std::byte((i * 131 + size_t(from) * 7) % 251);
  return b;
}

TEST(MessageChannel, EverySizeAroundThePieceArrivesWholeAndInOrder) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  constexpr size_t kPiece = 1000;
  const std::vector<size_t> sizes = {0,          1,          kPiece - 1,      kPiece,
                                     kPiece + 1, 2 * kPiece, 3 * kPiece + 17, 5};
  MessageChannel channel(MPI_COMM_WORLD, 4711, kPiece);
  const int next = (rank + 1) % size, previous = (rank + size - 1) % size;
  std::vector<PendingSend> sends;
  for (size_t n : sizes) sends.push_back(channel.startSend(next, patterned(n, rank)));
  for (size_t n : sizes) {
    Message m = channel.receive(previous);
    EXPECT_EQ(m.source, previous);
    ASSERT_EQ(m.bytes.size(), n);
    const ByteBuffer expected = patterned(n, previous);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(m.bytes.data()[i], expected.data()[i]) << "byte " << i;
  }
  for (auto& s : sends)
    while (!s.done()) {
    }
  // The blocking send, and a receive that polls before anything was sent.
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    EXPECT_FALSE(channel.tryReceive().has_value());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (size > 1) {
    if (rank == 1) channel.send(0, patterned(2 * kPiece, 1));
    if (rank == 0) {
      Message m = channel.receive(1);
      EXPECT_EQ(m.bytes.size(), 2 * kPiece);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
}  // namespace kiln::mpi
