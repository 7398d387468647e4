// flatMap: each input record becomes any number of output records.
#pragma once

#include <type_traits>

#include "../node.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class FlatMapNode final : public OneParentNode<In, Out> {
 public:
  FlatMapNode(NodePtr<In> parent, F f, std::string name = "flatMap",
              bool preservesPartitioning = false)
      : OneParentNode<In, Out>(std::move(parent), std::move(name), preservesPartitioning),
        f_(std::move(f)) {}
  void doCompute(int p, BlockSink<Out>& out) const override {
    BlockBuilder<Out> builder(out);
    auto owned = [&](std::span<In> block) {
      for (In& x : block) expand<In&>(x, builder);
    };
    if constexpr (std::is_invocable_v<const F&, const In&>) {
      // A function that can read a const record reads a cached one in place.
      auto sink = makeSink<In>(owned, [&](std::span<const In> block) {
        for (const In& x : block) expand<const In&>(x, builder);
      });
      this->parent_->compute(p, sink);
    } else {
      auto sink = makeSink<In>(owned);
      this->parent_->compute(p, sink);
    }
    builder.flush();
  }

 private:
  template <class Arg>
  void expand(Arg x, BlockBuilder<Out>& builder) const {
    builder.template addAll<!std::is_reference_v<std::invoke_result_t<const F&, Arg>>>(f_(x));
  }

  F f_;
};

}  // namespace kiln::detail
