// A by-key aggregation of an RDD that is already partitioned by the requested partitioner:
// every key's records are in one partition, so each partition is combined where it is, with no
// shuffle (as Spark does).
#pragma once

#include "../external_aggregator.hpp"
#include "../node.hpp"

namespace kiln::detail {

template <class K, class V, class C, class Agg>
class CombineLocallyNode final : public OneParentNode<std::pair<K, V>, std::pair<K, C>> {
 public:
  CombineLocallyNode(NodePtr<std::pair<K, V>> parent, Agg agg, std::string name)
      : OneParentNode<std::pair<K, V>, std::pair<K, C>>(std::move(parent), std::move(name), true),
        agg_(std::move(agg)) {}
  void doCompute(int p, BlockSink<std::pair<K, C>>& out) const override {
    ExternalAggregator<K, C, decltype(agg_.mergeCombiners)> combined(this->runtime(),
                                                                     agg_.mergeCombiners);
    auto sink = makeSink<std::pair<K, V>>([&](std::span<std::pair<K, V>> block) {
      combined.insertBlock(block, agg_.createCombiner, agg_.mergeValue);
    });
    this->parent_->compute(p, sink);
    combined.emitTo(out);
  }

 private:
  Agg agg_;
};

}  // namespace kiln::detail
