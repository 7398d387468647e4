#include "message_channel.hpp"

#include <algorithm>
#include <cstdint>

#include "polling.hpp"

namespace kiln::mpi {
namespace {

// On the wire a message is pieces of `piece` bytes (below INT_MAX, so counts fit an int),
// ended by the first piece shorter than that: empty when the size is a multiple of it. A
// message under one piece, which is nearly every message, is a single MPI message received
// straight into its buffer: no size header to add on one side and strip off on the other.
Message receivePieces(MPI_Comm comm, int tag, MPI_Status probed, size_t piece) {
  Message m;
  m.source = probed.MPI_SOURCE;
  while (true) {
    int count = 0;
    MPI_Get_count(&probed, MPI_BYTE, &count);
    const size_t at = m.bytes.size();
    m.bytes.resize(at + size_t(count));
    MPI_Recv(m.bytes.data() + at, count, MPI_BYTE, m.source, tag, comm, MPI_STATUS_IGNORE);
    if (size_t(count) < piece) return m;
    // The sender posted every piece at once, and MPI keeps their order: the next is there.
    MPI_Probe(m.source, tag, comm, &probed);
  }
}

std::vector<MPI_Request> startPieces(MPI_Comm comm, int dest, int tag, const ByteBuffer& bytes,
                                     size_t piece) {
  std::vector<MPI_Request> reqs;
  size_t off = 0;
  while (true) {
    const size_t n = std::min(piece, bytes.size() - off);
    reqs.emplace_back();
    MPI_Isend(bytes.data() + off, int(n), MPI_BYTE, dest, tag, comm, &reqs.back());
    off += n;
    if (n < piece) return reqs;
  }
}

}  // namespace

bool PendingSend::done() {
  int flag = 0;
  MPI_Testall(int(requests_.size()), requests_.data(), &flag, MPI_STATUSES_IGNORE);
  return flag != 0;
}

PendingSend MessageChannel::startSend(int dest, ByteBuffer bytes) const {
  auto reqs = startPieces(comm_, dest, tag_, bytes, piece_);
  return PendingSend(std::move(bytes), std::move(reqs));
}

PendingSend MessageChannel::startSendOf(int dest, const ByteBuffer& bytes) const {
  return PendingSend(ByteBuffer(), startPieces(comm_, dest, tag_, bytes, piece_));
}

void MessageChannel::send(int dest, const ByteBuffer& bytes) const {
  auto reqs = startPieces(comm_, dest, tag_, bytes, piece_);
  MPI_Waitall(int(reqs.size()), reqs.data(), MPI_STATUSES_IGNORE);
}

std::optional<Message> MessageChannel::tryReceive(int source) const {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(source, tag_, comm_, &flag, &st);
  if (!flag) return std::nullopt;
  return receivePieces(comm_, tag_, st, piece_);
}

Message MessageChannel::receive(int source) const {
  Backoff backoff;
  while (true) {
    if (auto m = tryReceive(source)) return std::move(*m);
    backoff.idle();
  }
}

void broadcastBytes(MPI_Comm comm, int root, ByteBuffer& bytes) {
  uint64_t total = bytes.size();
  waitWithoutSpinning([&](MPI_Request* r) { MPI_Ibcast(&total, 1, MPI_UINT64_T, root, comm, r); });
  bytes.resize(total);
  for (size_t off = 0; off < total; off += kMessagePieceBytes) {
    int n = int(std::min(kMessagePieceBytes, total - off));
    waitWithoutSpinning(
        [&](MPI_Request* r) { MPI_Ibcast(bytes.data() + off, n, MPI_BYTE, root, comm, r); });
  }
}

}  // namespace kiln::mpi
