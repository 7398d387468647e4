// Point-to-point byte messages of any size between two ranks.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "../util/byte_buffer.hpp"

namespace kiln::mpi {

struct Message {
  int source = -1;
  ByteBuffer bytes;
};

// A send in flight; keeps its bytes alive until MPI is done with them.
class PendingSend {
 public:
  PendingSend(ByteBuffer bytes, std::vector<MPI_Request> requests)
      : bytes_(std::move(bytes)), requests_(std::move(requests)) {}
  PendingSend(PendingSend&&) = default;
  PendingSend& operator=(PendingSend&&) = default;
  // True once every piece has been sent.
  bool done();

 private:
  ByteBuffer bytes_;
  std::vector<MPI_Request> requests_;
};

// Largest piece of a message sent in one MPI call; below INT_MAX so counts fit an int.
inline constexpr size_t kMessagePieceBytes = size_t(1) << 30;

// A tagged stream of byte messages on a communicator. A message of a piece or more goes in
// pieces, the last one short; MPI's ordering between one sender and receiver on one tag keeps
// them together. Both ends must use the same piece size (smaller ones are for tests).
class MessageChannel {
 public:
  MessageChannel(MPI_Comm comm, int tag, size_t pieceBytes = kMessagePieceBytes)
      : comm_(comm), tag_(tag), piece_(pieceBytes) {}
  void send(int dest, const ByteBuffer& bytes) const;
  // The same without blocking: poll done() on the result.
  PendingSend startSend(int dest, ByteBuffer bytes) const;
  // The same for bytes the caller keeps alive and unchanged until done(): no copy is taken.
  PendingSend startSendOf(int dest, const ByteBuffer& bytes) const;
  // A complete message if one has arrived (from `source`, or any), without blocking.
  std::optional<Message> tryReceive(int source = MPI_ANY_SOURCE) const;
  // Blocks (polling with back-off) until a message arrives.
  Message receive(int source = MPI_ANY_SOURCE) const;

 private:
  MPI_Comm comm_;
  int tag_;
  size_t piece_;
};

// Rank `root` sends `bytes` to every rank of `comm`; the others receive into it. Any size.
void broadcastBytes(MPI_Comm comm, int root, ByteBuffer& bytes);

}  // namespace kiln::mpi
