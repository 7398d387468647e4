// A typed RDD in the lineage graph: it can compute any of its partitions as a stream of blocks.
#pragma once

#include <memory>
#include <string>

#include "../sched/lineage.hpp"
#include "../sched/runtime.hpp"
#include "block_sink.hpp"

namespace kiln::detail {

template <class T>
class Node : public sched::LineageNode {
 public:
  using value_type = T;
  Node(std::shared_ptr<sched::Runtime> rt, int numPartitions, std::string name)
      : LineageNode(rt->newRddId(), numPartitions, std::move(name)), rt_(std::move(rt)) {}
  // Pushes partition p's records, in order, to out.
  virtual void compute(int partition, BlockSink<T>& out) const = 0;

  sched::Runtime& runtime() const { return *rt_; }
  const std::shared_ptr<sched::Runtime>& runtimePtr() const { return rt_; }

 private:
  std::shared_ptr<sched::Runtime> rt_;
};

template <class T>
using NodePtr = std::shared_ptr<const Node<T>>;

// Base of narrow one-parent operators: partition p is computed from the parent's partition p.
template <class In, class Out>
class OneParentNode : public Node<Out> {
 public:
  OneParentNode(NodePtr<In> parent, std::string name)
      : Node<Out>(parent->runtimePtr(), parent->numPartitions(), std::move(name)),
        parent_(std::move(parent)) {}
  std::vector<sched::Dependency> dependencies() const override {
    return {{parent_.get(), nullptr}};
  }
  int location(int p, int numExecutors) const override {
    return parent_->location(p, numExecutors);
  }

 protected:
  NodePtr<In> parent_;
};

}  // namespace kiln::detail
