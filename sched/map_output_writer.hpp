// Collects one map task's output: a bucket of encoded records per reduce partition. Buckets that
// outgrow the task's memory share move to a scratch file (spillIfOverLimit), so a map task's
// memory stays bounded whatever its partition's size. Nothing reaches the shuffle store until
// commit(): a failed attempt leaves no trace, its file is deleted with the writer.
#pragma once

#include <memory>
#include <vector>

#include "../util/byte_buffer.hpp"
#include "shuffle_extent.hpp"

namespace kiln::sched {

class ShuffleStore;

class MapOutputWriter {
 public:
  MapOutputWriter(ShuffleStore& store, int shuffle, int mapPartition, int numReducePartitions,
                  uint64_t memoryLimit);

  int numReducePartitions() const { return int(buckets_.size()); }
  ByteBuffer& bucket(int reducePartition) { return buckets_[size_t(reducePartition)]; }
  uint64_t memoryLimit() const { return memoryLimit_; }
  // Moves every bucket to the task's scratch file when together with `otherBytes` (the task's
  // other working memory) they exceed the limit. Call it between records, never inside one.
  void spillIfOverLimit(uint64_t otherBytes = 0);
  // Hands the output to the store (which keeps the buckets in memory or writes them out).
  void commit();

 private:
  void spillAll();

  ShuffleStore& store_;
  int shuffle_;
  int mapPartition_;
  uint64_t memoryLimit_;
  std::vector<ByteBuffer> buckets_;
  std::vector<std::vector<ShuffleExtent>> spilled_;  // per reduce partition, before the bucket
  std::shared_ptr<io::ScratchFile> file_;
};

}  // namespace kiln::sched
