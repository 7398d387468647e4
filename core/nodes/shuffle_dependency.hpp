// The map side of a shuffle over pair records: hash-partitions each map task's records into
// one bucket per reduce partition, combining values per key first when asked (Spark's
// map-side combine).
#pragma once

#include <type_traits>

#include "../../sched/task_context.hpp"
#include "../aggregator.hpp"
#include "../flat_hash_map.hpp"
#include "../hash.hpp"
#include "../node.hpp"
#include "../serialization/codec.hpp"

namespace kiln::detail {

template <class K, class V, class C, class Agg>
class PairShuffleDependency final : public sched::ShuffleDependency {
  static constexpr bool kAggregates = !std::is_same_v<Agg, NoAggregation>;

 public:
  PairShuffleDependency(NodePtr<std::pair<K, V>> parent, int numReducePartitions, Agg agg,
                        bool mapSideCombine)
      : ShuffleDependency(parent->runtime().newShuffleId(), numReducePartitions),
        parent_(std::move(parent)),
        agg_(std::move(agg)),
        mapSideCombine_(kAggregates && mapSideCombine) {
    parent_->runtime().registerShuffle(*this);
  }
  ~PairShuffleDependency() override { parent_->runtime().unregisterShuffle(shuffleId()); }

  const sched::LineageNode& mapSide() const override { return *parent_; }
  const Agg& aggregator() const { return agg_; }
  bool mapSideCombine() const { return mapSideCombine_; }

  void runMapTask(int partition, std::vector<ByteBuffer>& buckets) const override {
    const int r = numReducePartitions();
    if constexpr (kAggregates) {
      if (mapSideCombine_) {
        FlatHashMap<K, C> combined;
        auto sink = makeSink<std::pair<K, V>>([&](std::span<std::pair<K, V>> block) {
          combined.upsertBlock(block, agg_.createCombiner, agg_.mergeValue);
        });
        parent_->compute(partition, sink);
        for (auto& e : combined.entries()) encode(buckets[size_t(hashPartition(e.hash, r))], e.kv);
        return;
      }
    }
    auto sink = makeSink<std::pair<K, V>>([&](std::span<std::pair<K, V>> block) {
      for (const auto& kv : block)
        encode(buckets[size_t(hashPartition(Hash<K>{}(kv.first), r))], kv);
    });
    parent_->compute(partition, sink);
  }

 private:
  NodePtr<std::pair<K, V>> parent_;
  Agg agg_;
  bool mapSideCombine_;
};

}  // namespace kiln::detail
