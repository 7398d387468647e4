#include "message_channel.hpp"

#include <cstdint>

#include "polling.hpp"

namespace kiln::mpi {
namespace {

// Largest piece sent in one MPI call; below INT_MAX so counts fit an int.
constexpr size_t kChunk = size_t(1) << 30;

// On the wire a message is its total size (8 bytes) followed by the payload, in pieces of at
// most kChunk bytes so that MPI counts fit an int.
ByteBuffer withSizeHeader(const ByteBuffer& bytes) {
  ByteBuffer framed;
  framed.reserve(sizeof(uint64_t) + bytes.size());
  framed.put(uint64_t(bytes.size()));
  framed.append(bytes.data(), bytes.size());
  return framed;
}

Message receivePieces(MPI_Comm comm, int tag, const MPI_Status& probed) {
  int count = 0;
  MPI_Get_count(&probed, MPI_BYTE, &count);
  ByteBuffer head{size_t(count)};
  MPI_Recv(head.data(), count, MPI_BYTE, probed.MPI_SOURCE, tag, comm, MPI_STATUS_IGNORE);
  ByteReader r(head.span());
  auto total = r.get<uint64_t>();
  Message m;
  m.source = probed.MPI_SOURCE;
  m.bytes.resize(total);
  size_t first = r.remaining();
  r.read(m.bytes.data(), first);
  for (size_t off = first; off < total; off += kChunk) {
    int n = int(std::min<size_t>(kChunk, total - off));
    MPI_Recv(m.bytes.data() + off, n, MPI_BYTE, m.source, tag, comm, MPI_STATUS_IGNORE);
  }
  return m;
}

std::vector<MPI_Request> startPieces(MPI_Comm comm, int dest, int tag, const ByteBuffer& framed) {
  std::vector<MPI_Request> reqs;
  for (size_t off = 0; off < framed.size(); off += kChunk) {
    int n = int(std::min(kChunk, framed.size() - off));
    reqs.emplace_back();
    MPI_Isend(framed.data() + off, n, MPI_BYTE, dest, tag, comm, &reqs.back());
  }
  return reqs;
}

}  // namespace

bool PendingSend::done() {
  int flag = 0;
  MPI_Testall(int(requests_.size()), requests_.data(), &flag, MPI_STATUSES_IGNORE);
  return flag != 0;
}

PendingSend MessageChannel::startSend(int dest, ByteBuffer bytes) const {
  ByteBuffer framed = withSizeHeader(bytes);
  auto reqs = startPieces(comm_, dest, tag_, framed);
  return PendingSend(std::move(framed), std::move(reqs));
}

void MessageChannel::send(int dest, const ByteBuffer& bytes) const {
  ByteBuffer framed = withSizeHeader(bytes);
  auto reqs = startPieces(comm_, dest, tag_, framed);
  MPI_Waitall(int(reqs.size()), reqs.data(), MPI_STATUSES_IGNORE);
}

std::optional<Message> MessageChannel::tryReceive(int source) const {
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(source, tag_, comm_, &flag, &st);
  if (!flag) return std::nullopt;
  return receivePieces(comm_, tag_, st);
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
  for (size_t off = 0; off < total; off += kChunk) {
    int n = int(std::min<size_t>(kChunk, total - off));
    waitWithoutSpinning(
        [&](MPI_Request* r) { MPI_Ibcast(bytes.data() + off, n, MPI_BYTE, root, comm, r); });
  }
}

}  // namespace kiln::mpi
