// coalesce without a shuffle: output partition j is parent partitions [b_j, e_j) in order.
// Only for parents whose partitions can be computed anywhere (no data to move).
#pragma once

#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class T>
class CoalescedNode final : public Node<T> {
 public:
  CoalescedNode(NodePtr<T> parent, std::vector<int> groupStarts)
      : Node<T>(parent->runtimePtr(), int(groupStarts.size()) - 1, "coalesce"),
        parent_(std::move(parent)),
        starts_(std::move(groupStarts)) {}
  std::vector<sched::Dependency> doDependencies() const override {
    return {{parent_.get(), nullptr}};
  }
  int doLocation(int, int) const override { return -1; }
  void doCompute(int p, BlockSink<T>& out) const override {
    for (int i = starts_[size_t(p)]; i < starts_[size_t(p) + 1]; ++i) parent_->compute(i, out);
  }

 private:
  NodePtr<T> parent_;
  std::vector<int> starts_;  // group j is [starts_[j], starts_[j+1])
};

}  // namespace kiln::detail
