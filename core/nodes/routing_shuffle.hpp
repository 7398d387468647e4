// A shuffle that moves whole partitions: every record of map partition p goes to each output
// partition in route(p). Coalescing across executors and cartesian products are built on it.
// Output partitions read their segments in map-partition order, so each one is the
// concatenation of its source partitions, in order.
#pragma once

#include <functional>
#include <vector>

#include "../../sched/map_output_writer.hpp"
#include "../node.hpp"
#include "../serialization/codec.hpp"
#include "shuffle_reader.hpp"
#include "typed_shuffle_dependency.hpp"

namespace kiln::detail {

template <class T>
class RoutingShuffleDependency final : public TypedShuffleDependency<T> {
 public:
  using Route = std::function<std::vector<int>(int mapPartition)>;
  RoutingShuffleDependency(NodePtr<T> parent, int numOutputs, Route route)
      : TypedShuffleDependency<T>(std::move(parent), numOutputs), route_(std::move(route)) {}

  void runMapTask(int partition, sched::MapOutputWriter& out) const override {
    auto targets = route_(partition);
    if (targets.empty()) return;
    auto sink = makeReadingSink<T>([&](std::span<const T> block) {
      for (int t : targets)
        for (const T& x : block) encode(out.bucket(t), x);
      out.spillIfOverLimit();
    });
    this->parent()->compute(partition, sink);
  }

 private:
  Route route_;
};

// The output side of one routing shuffle.
template <class T>
class RoutedNode final : public Node<T> {
 public:
  RoutedNode(std::shared_ptr<const RoutingShuffleDependency<T>> dep, int numPartitions,
             std::string name)
      : Node<T>(dep->parent()->runtimePtr(), numPartitions, std::move(name)),
        dep_(std::move(dep)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {{nullptr, dep_.get()}}; }
  int doLocation(int p, int numExecutors) const override {
    return sched::shuffleOwner(p, numExecutors);
  }
  void doCompute(int p, BlockSink<T>& out) const override {
    readShuffleBlocks<T>(this->runtime(), dep_->shuffleId(), p,
                         [&](std::span<T> b) { out.push(b); });
  }

 private:
  std::shared_ptr<const RoutingShuffleDependency<T>> dep_;
};

}  // namespace kiln::detail
