// A typed RDD in the lineage graph: it can compute any of its partitions as a stream of blocks.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <typeinfo>
#include <vector>

#include "../sched/lineage.hpp"
#include "../sched/runtime.hpp"
#include "../sched/task_metrics.hpp"
#include "block_sink.hpp"
#include "checkpoint_files.hpp"
#include "partitioner.hpp"
#include "storage_level.hpp"
#include "store_block.hpp"

namespace kiln::detail {

template <class T>
class Node : public sched::LineageNode {
 public:
  using value_type = T;
  Node(std::shared_ptr<sched::Runtime> rt, int numPartitions, std::string name)
      : LineageNode(rt->newRddId(), numPartitions, std::move(name)), rt_(std::move(rt)) {}
  ~Node() override {
    if (storageLevel() != StorageLevel::NONE) rt_->dropRddBlocks(id());
  }

  // Pushes partition p's records, in order, to out. A persisted RDD serves the partition from
  // the executor's block store, computing and storing it the first time; a checkpointed one
  // reads it from its checkpoint files instead of its lineage.
  void compute(int p, BlockSink<T>& out) const {
    // The task's outermost compute counts what the task hands on (per block, not per record).
    sched::TaskMetrics* m = sched::TaskMetrics::current();
    if (m && m->computeDepth == 0) {
      ++m->computeDepth;
      CountingSink<T> counted(out, m->recordsOut);
      try {
        computeCounted(p, counted);
      } catch (...) {
        --m->computeDepth;
        throw;
      }
      --m->computeDepth;
      return;
    }
    computeCounted(p, out);
  }

 private:
  void computeCounted(int p, BlockSink<T>& out) const {
    if (storageLevel() == StorageLevel::NONE) return produce(p, out);
    auto block = rt_->blockStore().get(id(), p);
    if (!block) {
      auto records = std::make_shared<std::vector<T>>();
      auto sink = makeSink<T>([&](std::span<T> b) {
        for (T& x : b) records->push_back(std::move(x));
      });
      produce(p, sink);
      storeBlock(*rt_, id(), p, records, storageLevel());
      block = std::move(records);
    }
    // The store keeps the records: consumers that only read get them in place, others a copy
    // (BlockSink::pushShared).
    const auto& cached = *static_cast<const std::vector<T>*>(block.get());
    for (size_t i = 0; i < cached.size(); i += kBlockRecords)
      out.pushShared(
          std::span<const T>(cached.data() + i, std::min(kBlockRecords, cached.size() - i)));
  }

 public:
  // A cached partition's executor, else where the node's inputs live (a checkpoint's files can
  // be read anywhere).
  int location(int p, int numExecutors) const final {
    if (storageLevel() != StorageLevel::NONE)
      if (int e = rt_->blockLocation(id(), p); e >= 0) return e;
    return checkpointDir_ ? -1 : doLocation(p, numExecutors);
  }
  // A checkpointed RDD has no parents: its lineage was truncated.
  std::vector<sched::Dependency> dependencies() const final {
    return checkpointDir_ ? std::vector<sched::Dependency>{} : doDependencies();
  }
  // From now on partitions come from dir/part-NNNNN.h5 (every rank calls it, as RDD::checkpoint).
  void setCheckpoint(std::string dir) const {
    checkpointDir_ = std::make_shared<const std::string>(std::move(dir));
    readsInput_.store(-1, std::memory_order_relaxed);  // its lineage is gone
  }
  const std::string* checkpointDir() const { return checkpointDir_.get(); }
  std::string checkpointIdentity() const override { return checkpointDir_ ? *checkpointDir_ : ""; }
  // The operator (its dynamic type names the user's functions: every lambda has its own type)
  // and its partitioner; sources add their inputs, operators their runtime settings.
  std::string identityParameters() const override {
    return std::string(typeid(*this).name()) + "|" + (partitioner_ ? partitioner_->describe() : "");
  }

  StorageLevel storageLevel() const { return level_.load(std::memory_order_relaxed); }
  std::string storageDescription() const override {
    if (storageLevel() == StorageLevel::NONE) return "";
    std::string s = "[";  // appended, not "[" + ...: GCC 12 warns falsely on that
    return s.append(toString(storageLevel())).append("]");
  }
  // persist/unpersist change a node in place, as in Spark (the RDD is the same RDD).
  void setStorageLevel(StorageLevel level) const {
    if (level_.exchange(level) != StorageLevel::NONE && level == StorageLevel::NONE)
      rt_->dropRddBlocks(id());
  }

  sched::Runtime& runtime() const { return *rt_; }
  const std::shared_ptr<sched::Runtime>& runtimePtr() const { return rt_; }
  // How the records are placed by key, when known (pair RDDs after a shuffle, and the narrow
  // operators that keep keys where they are).
  const std::shared_ptr<const PartitionerBase>& partitioner() const { return partitioner_; }

 protected:
  virtual std::vector<sched::Dependency> doDependencies() const = 0;
  virtual void doCompute(int partition, BlockSink<T>& out) const = 0;
  // The executor that holds partition p's input (shuffle output lives on one executor), or -1
  // when any executor can compute it.
  virtual int doLocation(int partition, int numExecutors) const = 0;
  void setPartitioner(std::shared_ptr<const PartitionerBase> p) { partitioner_ = std::move(p); }

 private:
  void produce(int p, BlockSink<T>& out) const {
    // A stage's first operators (sources, shuffle readers, checkpoints) count what they read.
    sched::TaskMetrics* m = sched::TaskMetrics::current();
    if (m && readsStageInput()) {
      CountingSink<T> counted(out, m->recordsIn);
      return produceUncounted(p, counted);
    }
    produceUncounted(p, out);
  }
  // No narrow parent: what it produces comes from outside the stage. Decided once.
  bool readsStageInput() const {
    int8_t v = readsInput_.load(std::memory_order_relaxed);
    if (v < 0) {
      auto deps = dependencies();
      v = std::none_of(deps.begin(), deps.end(), [](const auto& d) { return d.parent; });
      readsInput_.store(v, std::memory_order_relaxed);
    }
    return v != 0;
  }
  void produceUncounted(int p, BlockSink<T>& out) const {
    if (!checkpointDir_) return doCompute(p, out);
    auto records = readCheckpointPartition<T>(*checkpointDir_, p);
    for (size_t i = 0; i < records.size(); i += kBlockRecords)
      out.push(std::span<T>(records.data() + i, std::min(kBlockRecords, records.size() - i)));
  }

  std::shared_ptr<sched::Runtime> rt_;
  std::shared_ptr<const PartitionerBase> partitioner_;
  mutable std::shared_ptr<const std::string> checkpointDir_;
  mutable std::atomic<StorageLevel> level_{StorageLevel::NONE};
  mutable std::atomic<int8_t> readsInput_{-1};  // readsStageInput(), -1 until known
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
  std::vector<sched::Dependency> doDependencies() const override {
    return {{parent_.get(), nullptr}};
  }
  int doLocation(int p, int numExecutors) const override {
    return parent_->location(p, numExecutors);
  }

 protected:
  NodePtr<In> parent_;
};

}  // namespace kiln::detail
