// filter: keeps the records a predicate accepts, compacting each block in place.
#pragma once

#include "../node.hpp"

namespace kiln::detail {

template <class T, class F>
class FilterNode final : public OneParentNode<T, T> {
 public:
  FilterNode(NodePtr<T> parent, F f)
      : OneParentNode<T, T>(std::move(parent), "filter", true), f_(std::move(f)) {}
  void doCompute(int p, BlockSink<T>& out) const override {
    auto sink = makeSink<T>([&](std::span<T> block) {
      size_t kept = 0;
      for (size_t i = 0; i < block.size(); ++i)
        if (f_(static_cast<const T&>(block[i]))) {
          if (kept != i) block[kept] = std::move(block[i]);
          ++kept;
        }
      if (kept) out.push(block.first(kept));
    });
    this->parent_->compute(p, sink);
  }

 private:
  F f_;
};

}  // namespace kiln::detail
