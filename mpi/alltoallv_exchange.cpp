#include "alltoallv_exchange.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <numeric>

namespace kiln::mpi {
namespace {

std::vector<uint64_t> prefixOffsets(const std::vector<uint64_t>& counts) {
  std::vector<uint64_t> off(counts.size() + 1, 0);
  std::partial_sum(counts.begin(), counts.end(), off.begin() + 1);
  return off;
}

void singleRound(MPI_Comm comm, const ByteBuffer& send, const std::vector<uint64_t>& sendCounts,
                 const std::vector<uint64_t>& sendOff, const std::vector<uint64_t>& recvCounts,
                 ExchangeResult& out) {
  size_t p = sendCounts.size();
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  for (size_t i = 0; i < p; ++i) {
    sc[i] = int(sendCounts[i]);
    sd[i] = int(sendOff[i]);
    rc[i] = int(recvCounts[i]);
    rd[i] = int(out.offsets[i]);
  }
  MPI_Alltoallv(send.data(), sc.data(), sd.data(), MPI_BYTE, out.bytes.data(), rc.data(), rd.data(),
                MPI_BYTE, comm);
}

}  // namespace

ExchangeResult alltoallvBytes(MPI_Comm comm, const ByteBuffer& send,
                              const std::vector<uint64_t>& sendCounts, uint64_t maxRoundBytes) {
  int p = 0;
  MPI_Comm_size(comm, &p);
  maxRoundBytes = std::clamp<uint64_t>(maxRoundBytes, uint64_t(p), uint64_t(INT_MAX));
  std::vector<uint64_t> recvCounts(size_t(p), 0);
  MPI_Alltoall(sendCounts.data(), 1, MPI_UINT64_T, recvCounts.data(), 1, MPI_UINT64_T, comm);

  ExchangeResult out;
  auto sendOff = prefixOffsets(sendCounts);
  out.offsets = prefixOffsets(recvCounts);
  out.bytes.resize(out.offsets.back());

  int fitsOneRound = sendOff.back() <= maxRoundBytes && out.offsets.back() <= maxRoundBytes;
  MPI_Allreduce(MPI_IN_PLACE, &fitsOneRound, 1, MPI_INT, MPI_LAND, comm);
  if (fitsOneRound)
    singleRound(comm, send, sendCounts, sendOff, recvCounts, out);
  else
    alltoallvStreamed(
        comm, sendCounts, std::max<uint64_t>(1, maxRoundBytes / uint64_t(p)),
        [&, sent = std::vector<uint64_t>(size_t(p), 0)](int d, std::span<std::byte> dst) mutable {
          std::memcpy(dst.data(), send.data() + sendOff[size_t(d)] + sent[size_t(d)], dst.size());
          sent[size_t(d)] += dst.size();
        },
        [&, got = std::vector<uint64_t>(size_t(p), 0)](int s,
                                                       std::span<const std::byte> b) mutable {
          std::memcpy(out.bytes.data() + out.offsets[size_t(s)] + got[size_t(s)], b.data(),
                      b.size());
          got[size_t(s)] += b.size();
        });
  return out;
}

bool alltoallvStreamed(MPI_Comm comm, const std::vector<uint64_t>& sendCounts, uint64_t pairBytes,
                       const ExchangeFill& fill, const ExchangeConsume& consume,
                       const ExchangeReceiveInto& receiveInto) {
  int np = 0;
  MPI_Comm_size(comm, &np);
  const size_t p = size_t(np);
  // Round k moves bytes [k*chunk, (k+1)*chunk) of every stream, so each round's buffers stay
  // within an int; both sides know every stream's length, so rounds need no more messages.
  const uint64_t chunk = std::clamp<uint64_t>(pairBytes, 1, uint64_t(INT_MAX) / p);
  std::vector<uint64_t> recvCounts(p, 0);
  MPI_Alltoall(sendCounts.data(), 1, MPI_UINT64_T, recvCounts.data(), 1, MPI_UINT64_T, comm);
  uint64_t largest = 0;
  for (size_t i = 0; i < p; ++i) largest = std::max({largest, sendCounts[i], recvCounts[i]});
  uint64_t rounds = (largest + chunk - 1) / chunk;
  MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
  if (rounds == 0) return false;

  const uint64_t recvTotal = std::accumulate(recvCounts.begin(), recvCounts.end(), 0ULL);
  std::byte* direct = nullptr;
  if (receiveInto && recvTotal > 0 && recvTotal <= uint64_t(INT_MAX))
    direct = receiveInto(recvTotal);
  const std::vector<uint64_t> recvOff = prefixOffsets(recvCounts);
  ByteBuffer sendStage(
      std::min<uint64_t>(p * chunk, std::accumulate(sendCounts.begin(), sendCounts.end(), 0ULL)));
  ByteBuffer recvStage(direct ? 0 : std::min<uint64_t>(p * chunk, recvTotal));
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  for (uint64_t k = 0; k < rounds; ++k) {
    const uint64_t begin = k * chunk;
    int sPos = 0, rPos = 0;
    for (size_t i = 0; i < p; ++i) {
      uint64_t sn = sendCounts[i] > begin ? std::min(chunk, sendCounts[i] - begin) : 0;
      uint64_t rn = recvCounts[i] > begin ? std::min(chunk, recvCounts[i] - begin) : 0;
      if (sn) fill(int(i), {sendStage.data() + sPos, size_t(sn)});
      sc[i] = int(sn);
      sd[i] = sPos;
      rc[i] = int(rn);
      rd[i] = direct ? int(recvOff[i] + (rn ? begin : 0)) : rPos;  // direct: where it belongs
      sPos += int(sn);
      rPos += int(rn);
    }
    MPI_Alltoallv(sendStage.data(), sc.data(), sd.data(), MPI_BYTE,
                  direct ? direct : recvStage.data(), rc.data(), rd.data(), MPI_BYTE, comm);
    if (!direct)
      for (size_t i = 0; i < p; ++i)
        if (rc[i]) consume(int(i), {recvStage.data() + rd[i], size_t(rc[i])});
  }
  return direct != nullptr;
}

}  // namespace kiln::mpi
