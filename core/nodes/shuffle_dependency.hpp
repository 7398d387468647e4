// The map side of a shuffle over pair records: places each map task's records into one bucket
// per reduce partition by the partitioner, combining values per key first when asked (Spark's
// map-side combine).
#pragma once

#include <algorithm>
#include <atomic>
#include <type_traits>

#include "../../sched/map_output_writer.hpp"
#include "../../sched/task_context.hpp"
#include "../aggregator.hpp"
#include "../combine_table.hpp"
#include "../fast_modulo.hpp"
#include "../hash.hpp"
#include "../node.hpp"
#include "../partitioner.hpp"
#include "../serialization/codec.hpp"
#include "typed_shuffle_dependency.hpp"

namespace kiln::detail {

template <class K, class V, class C, class Agg>
class PairShuffleDependency final : public TypedShuffleDependency<std::pair<K, V>> {
  static constexpr bool kAggregates = !std::is_same_v<Agg, NoAggregation>;

 public:
  PairShuffleDependency(NodePtr<std::pair<K, V>> parent,
                        std::shared_ptr<const Partitioner<K>> partitioner, Agg agg,
                        bool mapSideCombine)
      : TypedShuffleDependency<std::pair<K, V>>(std::move(parent), partitioner->numPartitions()),
        partitioner_(std::move(partitioner)),
        isHash_(dynamic_cast<const HashPartitioner<K>*>(partitioner_.get()) != nullptr),
        hashPartitionOf_(uint32_t(this->numReducePartitions())),
        agg_(std::move(agg)),
        mapSideCombine_(kAggregates && mapSideCombine) {}

  const std::shared_ptr<const Partitioner<K>>& partitioner() const { return partitioner_; }
  const Agg& aggregator() const { return agg_; }
  bool mapSideCombine() const { return mapSideCombine_; }
  std::string identityParameters() const override {
    return sched::ShuffleDependency::identityParameters() + "|" + partitioner_->describe() +
           (mapSideCombine_ ? "|combined" : "");
  }

  void runMapTask(int partition, sched::MapOutputWriter& out) const override {
    if constexpr (kAggregates) {
      if (mapSideCombine_) {
        // The table and the buckets share the task's memory, half each. A table that outgrows
        // its half is written out partially combined; the reduce side merges the pieces.
        CombineTable<K, C> combined;
        // Map tasks of one shuffle see similar data: a table sized for what the previous tasks
        // held fills without rehashing (about a tenth of the combining time on many keys).
        const size_t expectedKeys = keysSeen_.load(std::memory_order_relaxed);
        if (expectedKeys > 0 &&
            CombineTable<K, C>::reservePeakBytes(expectedKeys) < out.memoryLimit() / 2)
          combined.reserve(expectedKeys);
        auto flush = [&] {
          keysSeen_.store(std::max(keysSeen_.load(std::memory_order_relaxed), combined.size()),
                          std::memory_order_relaxed);
          writeCombined(combined, out);
          combined.clear();
          out.spillIfOverLimit(out.memoryLimit() / 2);
        };
        auto combine = [&](auto block) {
          if (combined.growthMayExceed(block.size(), out.memoryLimit() / 2)) flush();
          combined.upsertBlock(block, agg_.createCombiner, agg_.mergeValue);
          if (combined.estimatedBytes() > out.memoryLimit() / 2) flush();
        };
        if constexpr (CombineTable<K, C>::kPacked) {
          // A packed table reads a string key's bytes once: words cut from a line may come
          // as views (kiln::split(line).pairedWith), without a std::string made for each.
          auto sink = makeBorrowingSink<std::pair<K, V>>(combine);
          this->parent()->compute(partition, sink);
        } else {
          auto sink = makeSink<std::pair<K, V>>(combine);
          this->parent()->compute(partition, sink);
        }
        flush();
        return;
      }
    }
    // Encoding only reads the records: a cached parent's are encoded in place.
    auto sink = makeReadingSink<std::pair<K, V>>([&](std::span<const std::pair<K, V>> block) {
      writeBuckets(
          block.size(), [&](size_t i) -> const std::pair<K, V>& { return block[i]; },
          [&](size_t i) { return Hash<K>{}(block[i].first); }, out);
      out.spillIfOverLimit();
    });
    this->parent()->compute(partition, sink);
  }

 private:
  // Writes a combining table's entries into their partitions' buckets. A packed table's keys
  // are encoded straight from their bytes, as std::strings would be, when the hash decides.
  void writeCombined(CombineTable<K, C>& combined, sched::MapOutputWriter& out) const {
    if constexpr (CombineTable<K, C>::kPacked) {
      if (isHash_) {
        combined.forEachPacked([&](size_t hash, std::string_view key, const C& value) {
          ByteBuffer& bucket = out.bucket(int(hashPartitionOf_(hash)));
          encodeStringBytes(bucket, key);
          encode(bucket, value);
        });
        return;
      }
    }
    auto& entries = combined.entries();
    writeBuckets(
        entries.size(), [&](size_t i) -> const std::pair<K, C>& { return entries[i].kv; },
        [&](size_t i) { return entries[i].hash; }, out);
  }

  // Encodes n records into their partitions' buckets, asking the partitioner a block at a
  // time; a hash partitioner reuses the key hash (stored by the combining table).
  template <class Record, class HashOf>
  void writeBuckets(size_t n, Record&& record, HashOf&& hashOf, sched::MapOutputWriter& out) const {
    constexpr size_t kChunk = 256;
    const K* keys[kChunk];
    int parts[kChunk];
    for (size_t base = 0; base < n; base += kChunk) {
      size_t m = std::min(kChunk, n - base);
      if (isHash_) {
        for (size_t i = 0; i < m; ++i) parts[i] = int(hashPartitionOf_(hashOf(base + i)));
      } else {
        for (size_t i = 0; i < m; ++i) keys[i] = &record(base + i).first;
        partitioner_->getPartitions(std::span<const K* const>(keys, m), parts);
        checkPartitions(*partitioner_, parts, m);
      }
      for (size_t i = 0; i < m; ++i) encode(out.bucket(parts[i]), record(base + i));
    }
  }

  std::shared_ptr<const Partitioner<K>> partitioner_;
  bool isHash_;
  FastModulo hashPartitionOf_;  // hashPartition(hash, R), by multiplications
  Agg agg_;
  bool mapSideCombine_;
  // The most keys one map task's combining table has held (a sizing hint for later tasks).
  mutable std::atomic<size_t> keysSeen_{0};
};

}  // namespace kiln::detail
