// A typed RDD in the lineage graph: it can compute any of its partitions as a stream of blocks.
#pragma once

#include <memory>
#include <string>

#include "../sched/lineage.hpp"
#include "../sched/runtime.hpp"
#include "block_sink.hpp"
#include "partitioner.hpp"

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
  // How the records are placed by key, when known (pair RDDs after a shuffle, and the narrow
  // operators that keep keys where they are).
  const std::shared_ptr<const PartitionerBase>& partitioner() const { return partitioner_; }

 protected:
  void setPartitioner(std::shared_ptr<const PartitionerBase> p) { partitioner_ = std::move(p); }

 private:
  std::shared_ptr<sched::Runtime> rt_;
  std::shared_ptr<const PartitionerBase> partitioner_;
};

template <class T>
using NodePtr = std::shared_ptr<const Node<T>>;

// Base of narrow one-parent operators: partition p is computed from the parent's partition p.
template <class In, class Out>
class OneParentNode : public Node<Out> {
 public:
  // preservesPartitioning: the operator keeps every record's key in its partition (mapValues,
  // filter, ...), so the parent's partitioner still describes the output.
  OneParentNode(NodePtr<In> parent, std::string name, bool preservesPartitioning = false)
      : Node<Out>(parent->runtimePtr(), parent->numPartitions(), std::move(name)),
        parent_(std::move(parent)) {
    if (preservesPartitioning) this->setPartitioner(parent_->partitioner());
  }
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
