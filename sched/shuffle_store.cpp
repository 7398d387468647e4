#include "shuffle_store.hpp"

#include <algorithm>
#include <cstring>

#include "../mpi/alltoallv_exchange.hpp"
#include "lineage.hpp"

namespace kiln::sched {
namespace {

// On the wire every non-empty bucket travels as a segment: this header, then its bytes.
struct SegmentHeader {
  int32_t mapPartition;
  int32_t reducePartition;
  uint64_t length;
};

void sortByMapPartition(std::unordered_map<int, std::vector<ShuffleSegment>>& byReduce) {
  for (auto& [r, segs] : byReduce)
    std::stable_sort(segs.begin(), segs.end(),
                     [](const auto& a, const auto& b) { return a.mapPartition < b.mapPartition; });
}

}  // namespace

void ShuffleStore::putMapOutput(int shuffle, int mapPartition, std::vector<ByteBuffer> buckets) {
  std::lock_guard lock(mutex_);
  mapOutputs_[shuffle][mapPartition] = std::move(buckets);
}

void ShuffleStore::exchangeLocally(int shuffle, int numReducePartitions) {
  std::lock_guard lock(mutex_);
  Input& in = inputs_[shuffle];
  in.localOutputs = std::move(mapOutputs_[shuffle]);
  mapOutputs_.erase(shuffle);
  for (auto& [mapPart, buckets] : in.localOutputs)
    for (int r = 0; r < numReducePartitions && r < int(buckets.size()); ++r)
      if (!buckets[r].empty()) in.byReducePartition[r].push_back({mapPart, buckets[r].span()});
}

void ShuffleStore::exchange(int shuffle, int numReducePartitions, MPI_Comm executors,
                            uint64_t maxRoundBytes) {
  int numExec = 0;
  MPI_Comm_size(executors, &numExec);
  if (numExec == 1) return exchangeLocally(shuffle, numReducePartitions);  // nothing to move
  std::map<int, std::vector<ByteBuffer>> outputs;
  {
    std::lock_guard lock(mutex_);
    outputs = std::move(mapOutputs_[shuffle]);
    mapOutputs_.erase(shuffle);
  }
  // Pass 1: bytes per destination; pass 2: write segments straight into one send buffer.
  std::vector<uint64_t> counts(size_t(numExec), 0);
  for (auto& [mapPart, buckets] : outputs)
    for (int r = 0; r < int(buckets.size()); ++r)
      if (!buckets[r].empty())
        counts[size_t(shuffleOwner(r, numExec))] += sizeof(SegmentHeader) + buckets[r].size();
  std::vector<uint64_t> pos(size_t(numExec), 0);
  for (int d = 1; d < numExec; ++d) pos[size_t(d)] = pos[size_t(d - 1)] + counts[size_t(d - 1)];
  ByteBuffer send(pos.back() + counts.back());
  for (auto& [mapPart, buckets] : outputs)
    for (int r = 0; r < int(buckets.size()); ++r) {
      if (buckets[r].empty()) continue;
      uint64_t& p = pos[size_t(shuffleOwner(r, numExec))];
      SegmentHeader h{mapPart, r, buckets[r].size()};
      std::memcpy(send.data() + p, &h, sizeof h);
      std::memcpy(send.data() + p + sizeof h, buckets[r].data(), buckets[r].size());
      p += sizeof h + buckets[r].size();
    }
  outputs.clear();  // free map outputs before receiving

  auto got = mpi::alltoallvBytes(executors, send, counts, maxRoundBytes);
  send = ByteBuffer();
  Input in;
  MPI_Comm_rank(executors, &in.executor);
  in.numExecutors = numExec;
  in.received = std::move(got.bytes);
  ByteReader reader(in.received.span());
  while (!reader.atEnd()) {
    auto h = reader.get<SegmentHeader>();
    if (h.reducePartition < 0 || h.reducePartition >= numReducePartitions)
      throw Error("corrupt shuffle data: bad reduce partition");
    in.byReducePartition[h.reducePartition].push_back(
        {h.mapPartition, {reader.take(h.length), size_t(h.length)}});
  }
  sortByMapPartition(in.byReducePartition);
  std::lock_guard lock(mutex_);
  inputs_[shuffle] = std::move(in);
}

std::vector<ShuffleSegment> ShuffleStore::segments(int shuffle, int reducePartition) const {
  std::lock_guard lock(mutex_);
  auto it = inputs_.find(shuffle);
  if (it == inputs_.end())
    throw Error("internal: shuffle " + std::to_string(shuffle) + " has no data on this executor");
  const Input& in = it->second;
  if (shuffleOwner(reducePartition, in.numExecutors) != in.executor)
    throw Error("internal: reduce partition " + std::to_string(reducePartition) + " of shuffle " +
                std::to_string(shuffle) + " lives on executor " +
                std::to_string(shuffleOwner(reducePartition, in.numExecutors)) + ", not here");
  auto seg = in.byReducePartition.find(reducePartition);
  if (seg == it->second.byReducePartition.end()) return {};
  return seg->second;
}

void ShuffleStore::dropMapOutputs() {
  std::lock_guard lock(mutex_);
  mapOutputs_.clear();
}

void ShuffleStore::drop(int shuffle) {
  std::lock_guard lock(mutex_);
  mapOutputs_.erase(shuffle);
  inputs_.erase(shuffle);
}

}  // namespace kiln::sched
