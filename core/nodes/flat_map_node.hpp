// flatMap: each input record becomes any number of output records.
#pragma once

#include "../node.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class FlatMapNode final : public OneParentNode<In, Out> {
 public:
  FlatMapNode(NodePtr<In> parent, F f, std::string name = "flatMap")
      : OneParentNode<In, Out>(std::move(parent), std::move(name)), f_(std::move(f)) {}
  void compute(int p, BlockSink<Out>& out) const override {
    BlockBuilder<Out> builder(out);
    auto sink = makeSink<In>([&](std::span<In> block) {
      for (In& x : block)
        for (auto&& y : f_(x)) builder.add(std::forward<decltype(y)>(y));
    });
    this->parent_->compute(p, sink);
    builder.flush();
  }

 private:
  F f_;
};

}  // namespace kiln::detail
