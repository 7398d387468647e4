// filter: keeps the records a predicate accepts, compacting each block in place.
#pragma once

#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class T, class F>
class FilterNode final : public OneParentNode<T, T> {
 public:
  FilterNode(NodePtr<T> parent, F f)
      : OneParentNode<T, T>(std::move(parent), "filter", true), f_(std::move(f)) {}
  void doCompute(int p, BlockSink<T>& out) const override {
    auto owned = [&](std::span<T> block) {
      size_t kept = 0;
      for (size_t i = 0; i < block.size(); ++i)
        if (f_(static_cast<const T&>(block[i]))) {
          if (kept != i) block[kept] = std::move(block[i]);
          ++kept;
        }
      if (kept) out.push(block.first(kept));
    };
    // Shared (cached) records stay where they are: the kept ones are copied.
    std::vector<T> kept;
    auto shared = [&](std::span<const T> block) {
      kept.clear();
      for (const T& x : block)
        if (f_(x)) kept.push_back(x);
      if (!kept.empty()) out.push(std::span<T>(kept));
    };
    auto sink = makeSink<T>(owned, shared);
    this->parent_->compute(p, sink);
  }

 private:
  F f_;
};

}  // namespace kiln::detail
