// map: one output record per input record.
#pragma once

#include <type_traits>

#include "../node.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class MapNode final : public OneParentNode<In, Out> {
 public:
  MapNode(NodePtr<In> parent, F f, std::string name = "map", bool preservesPartitioning = false)
      : OneParentNode<In, Out>(std::move(parent), std::move(name), preservesPartitioning),
        f_(std::move(f)) {}
  void doCompute(int p, BlockSink<Out>& out) const override {
    BlockBuilder<Out> builder(out);
    auto owned = [&](std::span<In> block) {
      // The block's records are ours: a function that takes its record by value gets it moved.
      if constexpr (std::is_invocable_v<const F&, In&&>)
        for (In& x : block) builder.addFrom([&] { return f_(std::move(x)); });
      else
        for (In& x : block) builder.addFrom([&] { return f_(x); });
    };
    if constexpr (std::is_invocable_v<const F&, const In&>) {
      // A function that can read a const record reads a cached one in place.
      auto sink = makeSink<In>(owned, [&](std::span<const In> block) {
        for (const In& x : block) builder.addFrom([&] { return f_(x); });
      });
      this->parent_->compute(p, sink);
    } else {
      auto sink = makeSink<In>(owned);
      this->parent_->compute(p, sink);
    }
    builder.flush();
  }

 private:
  F f_;
};

}  // namespace kiln::detail
