// The reduce side of a shuffle: reads its partition's segments (in map-partition order) from
// the executor's shuffle store and, for by-key aggregations, merges them per key.
#pragma once

#include <memory>

#include "../../sched/task_context.hpp"
#include "shuffle_dependency.hpp"

namespace kiln::detail {

// Output records are (K, C): the combined value for aggregations, the value itself (C = V)
// otherwise.
template <class K, class V, class C, class Agg>
class ShuffledNode final : public Node<std::pair<K, C>> {
  using Dep = PairShuffleDependency<K, V, C, Agg>;
  static constexpr bool kAggregates = !std::is_same_v<Agg, NoAggregation>;

 public:
  ShuffledNode(std::shared_ptr<const Dep> dep, std::string name)
      : Node<std::pair<K, C>>(parentRuntime(*dep), dep->numReducePartitions(), std::move(name)),
        dep_(std::move(dep)) {}

  std::vector<sched::Dependency> dependencies() const override { return {{nullptr, dep_.get()}}; }
  int location(int p, int numExecutors) const override {
    return sched::shuffleOwner(p, numExecutors);
  }

  void compute(int p, BlockSink<std::pair<K, C>>& out) const override {
    auto segments = this->runtime().shuffleStore().segments(dep_->shuffleId(), p);
    BlockBuilder<std::pair<K, C>> builder(out);
    if constexpr (!kAggregates) {
      for (const auto& seg : segments) {
        TaskContext::checkCancelled();
        ByteReader in(seg.bytes);
        while (!in.atEnd()) builder.add(decode<std::pair<K, V>>(in));
      }
    } else {
      const Agg& agg = dep_->aggregator();
      FlatHashMap<K, C> merged;
      // Records arrive as (K, C) after a map-side combine, else as (K, V); decode a block, then
      // merge it into the table in one batch.
      auto mergeAll = [&](auto recordType) {
        using R = typename decltype(recordType)::type;
        std::vector<R> block;
        block.reserve(kBlockRecords);
        auto flush = [&] {
          if constexpr (std::is_same_v<R, std::pair<K, C>>)
            merged.upsertBlock(
                std::span<R>(block), [](C&& c) { return std::move(c); }, agg.mergeCombiners);
          else
            merged.upsertBlock(std::span<R>(block), agg.createCombiner, agg.mergeValue);
          block.clear();
        };
        for (const auto& seg : segments) {
          TaskContext::checkCancelled();
          ByteReader in(seg.bytes);
          while (!in.atEnd()) {
            block.push_back(decode<R>(in));
            if (block.size() == kBlockRecords) flush();
          }
        }
        flush();
      };
      if (dep_->mapSideCombine())
        mergeAll(std::type_identity<std::pair<K, C>>());
      else
        mergeAll(std::type_identity<std::pair<K, V>>());
      for (auto& e : merged.entries()) builder.add(std::move(e.kv));
    }
    builder.flush();
  }

 private:
  static std::shared_ptr<sched::Runtime> parentRuntime(const Dep& dep) {
    return static_cast<const Node<std::pair<K, V>>&>(dep.mapSide()).runtimePtr();
  }
  std::shared_ptr<const Dep> dep_;
};

}  // namespace kiln::detail
