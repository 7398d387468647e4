// cartesian: partition (i, j) = i * n2 + j pairs every record of left partition i with every
// record of right partition j, both delivered by routing shuffles.
#pragma once

#include "routing_shuffle.hpp"

namespace kiln::detail {

template <class A, class B>
class CartesianNode final : public Node<std::pair<A, B>> {
 public:
  CartesianNode(NodePtr<A> left, NodePtr<B> right)
      : Node<std::pair<A, B>>(left->runtimePtr(), left->numPartitions() * right->numPartitions(),
                              "cartesian") {
    const int n1 = left->numPartitions(), n2 = right->numPartitions();
    left_ = std::make_shared<RoutingShuffleDependency<A>>(left, n1 * n2, [n2](int i) {
      std::vector<int> t;
      for (int j = 0; j < n2; ++j) t.push_back(i * n2 + j);
      return t;
    });
    right_ = std::make_shared<RoutingShuffleDependency<B>>(right, n1 * n2, [n1, n2](int j) {
      std::vector<int> t;
      for (int i = 0; i < n1; ++i) t.push_back(i * n2 + j);
      return t;
    });
  }
  std::vector<sched::Dependency> doDependencies() const override {
    return {{nullptr, left_.get()}, {nullptr, right_.get()}};
  }
  int doLocation(int p, int numExecutors) const override {
    return sched::shuffleOwner(p, numExecutors);
  }
  void doCompute(int p, BlockSink<std::pair<A, B>>& out) const override {
    std::vector<B> rights;
    readShuffleBlocks<B>(this->runtime(), right_->shuffleId(), p, [&](std::span<B> block) {
      for (B& b : block) rights.push_back(std::move(b));
    });
    BlockBuilder<std::pair<A, B>> builder(out);
    readShuffleBlocks<A>(this->runtime(), left_->shuffleId(), p, [&](std::span<A> block) {
      for (const A& a : block)
        for (const B& b : rights) builder.add(std::pair<A, B>(a, b));
    });
    builder.flush();
  }

 private:
  std::shared_ptr<const RoutingShuffleDependency<A>> left_;
  std::shared_ptr<const RoutingShuffleDependency<B>> right_;
};

}  // namespace kiln::detail
