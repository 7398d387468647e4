// flatMap: each input record becomes any number of output records.
#pragma once

#include <iterator>
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
    // f returned its range by value, so its elements are ours to move; iterators that make
    // their values (like kiln::split's) construct them straight into the block.
    auto&& range = f_(x);
    for (auto it = std::begin(range); it != std::end(range); ++it) {
      if constexpr (std::is_lvalue_reference_v<decltype(*it)> &&
                    !std::is_reference_v<std::invoke_result_t<const F&, Arg>>)
        builder.add(std::move(*it));
      else
        builder.addFrom([&]() -> decltype(auto) { return *it; });
    }
  }

  F f_;
};

}  // namespace kiln::detail
