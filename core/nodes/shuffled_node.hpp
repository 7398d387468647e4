// The reduce side of a shuffle: reads its partition's segments (in map-partition order) from
// the executor's shuffle store and, for by-key aggregations, merges them per key.
#pragma once

#include <memory>

#include "../../sched/task_context.hpp"
#include "../external_aggregator.hpp"
#include "shuffle_dependency.hpp"
#include "shuffle_reader.hpp"

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
        dep_(std::move(dep)) {
    this->setPartitioner(dep_->partitioner());
  }

  std::vector<sched::Dependency> doDependencies() const override { return {{nullptr, dep_.get()}}; }
  int doLocation(int p, int numExecutors) const override {
    return sched::shuffleOwner(p, numExecutors);
  }

  void doCompute(int p, BlockSink<std::pair<K, C>>& out) const override {
    const int shuffle = dep_->shuffleId();
    if constexpr (!kAggregates) {
      out.expect(shuffleRecordCount<std::pair<K, V>>(this->runtime(), shuffle, p));
      readShuffleBlocks<std::pair<K, V>>(
          this->runtime(), shuffle, p, [&](std::span<std::pair<K, V>> block) { out.push(block); });
    } else {
      // Records arrive as (K, C) after a map-side combine, else as (K, V).
      const Agg& agg = dep_->aggregator();
      ExternalAggregator<K, C, decltype(agg.mergeCombiners)> merged(this->runtime(),
                                                                    agg.mergeCombiners);
      if (dep_->mapSideCombine())
        readShuffleBlocks<std::pair<K, C>>(
            this->runtime(), shuffle, p, [&](std::span<std::pair<K, C>> b) {
              merged.insertBlock(
                  b, [](C&& c) { return std::move(c); }, agg.mergeCombiners);
            });
      else
        readShuffleBlocks<std::pair<K, V>>(
            this->runtime(), shuffle, p, [&](std::span<std::pair<K, V>> b) {
              merged.insertBlock(b, agg.createCombiner, agg.mergeValue);
            });
      merged.emitTo(out);
    }
  }

 private:
  static std::shared_ptr<sched::Runtime> parentRuntime(const Dep& dep) {
    return dep.parent()->runtimePtr();
  }
  std::shared_ptr<const Dep> dep_;
};

}  // namespace kiln::detail
