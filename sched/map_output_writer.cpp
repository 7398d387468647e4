#include "map_output_writer.hpp"

#include <string>

#include "../util/release_memory.hpp"
#include "shuffle_store.hpp"
#include "task_metrics.hpp"

namespace kiln::sched {

MapOutputWriter::MapOutputWriter(ShuffleStore& store, int shuffle, int mapPartition,
                                 int numReducePartitions, uint64_t memoryLimit)
    : store_(store),
      shuffle_(shuffle),
      mapPartition_(mapPartition),
      memoryLimit_(memoryLimit),
      buckets_(size_t(numReducePartitions)) {
  // Buckets sized like the previous task's (an eighth more) grow without being copied. Only
  // within half the task's memory share (the buckets' part when a combining table holds the
  // other half): the spill check counts bytes written, not reserved.
  const std::vector<uint64_t> hint = store.bucketSizeHint(shuffle);
  if (hint.size() != buckets_.size()) return;
  uint64_t total = 0;
  for (uint64_t b : hint) total += b + b / 8;
  if (total > memoryLimit_ / 2) return;
  for (size_t r = 0; r < hint.size(); ++r)
    if (hint[r] > 0) buckets_[r].reserve(size_t(hint[r] + hint[r] / 8));
}

void MapOutputWriter::spillIfOverLimit(uint64_t otherBytes) {
  uint64_t held = otherBytes;
  for (const auto& b : buckets_) held += b.size();
  if (held > memoryLimit_) spillAll();
}

void MapOutputWriter::spillAll() {
  if (!file_)
    file_ = std::make_shared<io::ScratchFile>(store_.scratch().newFilePath(
        "shuffle" + std::to_string(shuffle_) + "-map" + std::to_string(mapPartition_), ".bin"));
  if (spilled_.empty()) spilled_.resize(buckets_.size());
  uint64_t written = 0;
  for (size_t r = 0; r < buckets_.size(); ++r) {
    ByteBuffer& b = buckets_[r];
    if (b.empty()) continue;
    ShuffleExtent e;
    e.file = file_.get();
    e.offset = file_->append(b.data(), b.size());
    e.length = b.size();
    spilled_[r].push_back(e);
    written += b.size();
    b.clear();  // the capacity stays: it is this task's working memory
  }
  store_.noteBytesWrittenToDisk(written);
}

void MapOutputWriter::commit() {
  uint64_t held = 0;
  for (const auto& b : buckets_) held += b.size();
  if (TaskMetrics* m = TaskMetrics::current()) {
    uint64_t total = held;
    for (const auto& extents : spilled_)
      for (const auto& e : extents) total += e.length;
    m->shuffleBytesWritten += total;
  }
  MapOutput out;
  if (held > 0 && !store_.tryReserve(held)) {
    spillAll();  // the store's memory is full: this output lives on disk
    held = 0;
  }
  // The store counts bytes, not capacities: spilled buckets give all their memory back.
  for (auto& b : buckets_) b.shrinkToFit();
  const bool spilled = file_ != nullptr;
  out.buckets = std::move(buckets_);
  out.spilled = std::move(spilled_);
  out.file = std::move(file_);
  out.memoryBytes = held;
  store_.putMapOutput(shuffle_, mapPartition_, std::move(out));
  if (spilled) releaseFreedMemory();
}

}  // namespace kiln::sched
