// zipPartitions: partition p of the output is f(partition p of left, partition p of right).
#pragma once

#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class A, class B, class U, class F>
class ZipPartitionsNode final : public Node<U> {
 public:
  ZipPartitionsNode(NodePtr<A> left, NodePtr<B> right, F f, std::string name)
      : Node<U>(left->runtimePtr(), left->numPartitions(), std::move(name)),
        left_(std::move(left)),
        right_(std::move(right)),
        f_(std::move(f)) {
    if (left_->numPartitions() != right_->numPartitions())
      throw Error(this->name() + ": can only zip RDDs with the same number of partitions (" +
                  std::to_string(left_->numPartitions()) + " vs " +
                  std::to_string(right_->numPartitions()) + ")");
  }
  std::vector<sched::Dependency> doDependencies() const override {
    return {{left_.get(), nullptr}, {right_.get(), nullptr}};
  }
  int doLocation(int p, int numExecutors) const override {
    int l = left_->location(p, numExecutors);
    return l >= 0 ? l : right_->location(p, numExecutors);
  }
  void doCompute(int p, BlockSink<U>& out) const override {
    std::vector<A> a;
    std::vector<B> b;
    auto sa = makeSink<A>([&](std::span<A> blk) {
      for (A& x : blk) a.push_back(std::move(x));
    });
    auto sb = makeSink<B>([&](std::span<B> blk) {
      for (B& x : blk) b.push_back(std::move(x));
    });
    left_->compute(p, sa);
    right_->compute(p, sb);
    BlockBuilder<U> builder(out);
    for (auto&& u : f_(a, b)) builder.add(std::forward<decltype(u)>(u));
    builder.flush();
  }

 private:
  NodePtr<A> left_;
  NodePtr<B> right_;
  F f_;
};

}  // namespace kiln::detail
