// union: the partitions of all parents, one after the other, without a shuffle.
#pragma once

#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class T>
class UnionNode final : public Node<T> {
 public:
  explicit UnionNode(std::vector<NodePtr<T>> parents)
      : Node<T>(parents.at(0)->runtimePtr(), totalPartitions(parents), "union"),
        parents_(std::move(parents)) {}
  std::vector<sched::Dependency> doDependencies() const override {
    std::vector<sched::Dependency> deps;
    for (const auto& p : parents_) deps.push_back({p.get(), nullptr});
    return deps;
  }
  int doLocation(int p, int numExecutors) const override {
    auto [parent, local] = resolve(p);
    return parent->location(local, numExecutors);
  }
  void doCompute(int p, BlockSink<T>& out) const override {
    auto [parent, local] = resolve(p);
    parent->compute(local, out);
  }

 private:
  static int totalPartitions(const std::vector<NodePtr<T>>& parents) {
    int n = 0;
    for (const auto& p : parents) n += p->numPartitions();
    return n;
  }
  std::pair<const Node<T>*, int> resolve(int p) const {
    for (const auto& parent : parents_) {
      if (p < parent->numPartitions()) return {parent.get(), p};
      p -= parent->numPartitions();
    }
    throw Error("internal: union partition out of range");
  }
  std::vector<NodePtr<T>> parents_;
};

}  // namespace kiln::detail
