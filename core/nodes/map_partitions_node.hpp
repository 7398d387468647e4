// mapPartitionsWithIndex: a function of a whole partition (its index and its records).
#pragma once

#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class MapPartitionsNode final : public OneParentNode<In, Out> {
 public:
  MapPartitionsNode(NodePtr<In> parent, F f, std::string name, bool preservesPartitioning = false)
      : OneParentNode<In, Out>(std::move(parent), std::move(name), preservesPartitioning),
        f_(std::move(f)) {}
  void doCompute(int p, BlockSink<Out>& out) const override {
    std::vector<In> records;
    auto sink = makeSink<In>([&](std::span<In> block) {
      for (In& x : block) records.push_back(std::move(x));
    });
    this->parent_->compute(p, sink);
    BlockBuilder<Out> builder(out);
    builder.template addAll<!std::is_reference_v<decltype(f_(p, records))>>(f_(p, records));
    builder.flush();
  }

 private:
  F f_;
};

}  // namespace kiln::detail
