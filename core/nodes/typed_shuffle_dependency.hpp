// What every shuffle over the records of a typed node has: its parent (the map side), and its
// registration with the runtime (which runs its map tasks by id) for as long as it lives.
#pragma once

#include "../../sched/lineage.hpp"
#include "../node.hpp"

namespace kiln::detail {

template <class T>
class TypedShuffleDependency : public sched::ShuffleDependency {
 public:
  TypedShuffleDependency(NodePtr<T> parent, int numReducePartitions)
      : ShuffleDependency(parent->runtime().newShuffleId(), numReducePartitions),
        parent_(std::move(parent)) {
    parent_->runtime().registerShuffle(*this);  // kept by address: no virtual call happens here
  }
  ~TypedShuffleDependency() override { parent_->runtime().unregisterShuffle(shuffleId()); }
  const sched::LineageNode& mapSide() const override { return *parent_; }
  const NodePtr<T>& parent() const { return parent_; }

 private:
  NodePtr<T> parent_;
};

}  // namespace kiln::detail
