// The scheduler's type-erased view of an RDD: partitions and dependencies, no element type.
#pragma once

#include <cstdint>
#include <string>
#include <typeinfo>
#include <vector>

#include "../util/byte_buffer.hpp"

namespace kiln::sched {

class LineageNode;
class MapOutputWriter;

// The map side of a shuffle: which RDD feeds it and how one map task writes its output.
class ShuffleDependency {
 public:
  ShuffleDependency(int shuffleId, int numReducePartitions)
      : shuffleId_(shuffleId), numReducePartitions_(numReducePartitions) {}
  virtual ~ShuffleDependency() = default;
  int shuffleId() const { return shuffleId_; }
  int numReducePartitions() const { return numReducePartitions_; }
  virtual const LineageNode& mapSide() const = 0;
  // Computes map partition `partition` and serializes its records into the writer's bucket of
  // each record's reduce partition (calling out.spillIfOverLimit() between blocks).
  virtual void runMapTask(int partition, MapOutputWriter& out) const = 0;
  // What, besides the map side's lineage and the reduce partition count, decides the bytes this
  // shuffle writes (its type, partitioner, combining): part of a saved shuffle's identity.
  virtual std::string identityParameters() const { return typeid(*this).name(); }

 private:
  int shuffleId_;
  int numReducePartitions_;
};

struct Dependency {
  const LineageNode* parent = nullptr;         // narrow dependency, pipelined into the same task
  const ShuffleDependency* shuffle = nullptr;  // or a shuffle: a stage boundary
};

class LineageNode {
 public:
  LineageNode(int id, int numPartitions, std::string name)
      : id_(id), numPartitions_(numPartitions), name_(std::move(name)) {}
  virtual ~LineageNode() = default;
  int id() const { return id_; }
  int numPartitions() const { return numPartitions_; }
  const std::string& name() const { return name_; }
  virtual std::vector<Dependency> dependencies() const = 0;
  // The executor that holds partition p's input (shuffle output lives on one executor), or -1
  // when any executor can compute it.
  virtual int location(int partition, int numExecutors) const = 0;
  // What, besides its name and partition count, makes this RDD's contents what they are (a
  // source's inputs, e.g. file names, sizes and times): part of a checkpoint's identity.
  virtual std::string identityParameters() const { return ""; }
  // A checkpointed RDD's checkpoint (its identity stands for the whole truncated lineage), or "".
  virtual std::string checkpointIdentity() const { return ""; }
  // For toDebugString: e.g. "[MEMORY_ONLY]" for a persisted RDD, else empty.
  virtual std::string storageDescription() const { return ""; }
  // Roughly how many bytes of input partition p reads, 0 when unknown: the scheduler hands out
  // the largest first. Sources that know (file splits) say; a node with one narrow parent of as
  // many partitions reads what its parent does.
  virtual uint64_t inputBytesHint(int partition) const {
    auto deps = dependencies();
    if (deps.size() != 1 || !deps[0].parent || deps[0].parent->numPartitions() != numPartitions())
      return 0;
    return deps[0].parent->inputBytesHint(partition);
  }

 private:
  int id_;
  int numPartitions_;
  std::string name_;
};

// Reduce partition r of every shuffle is received by executor r mod E, so partitions of
// co-partitioned shuffles meet on the same executor.
inline int shuffleOwner(int reducePartition, int numExecutors) {
  return reducePartition % numExecutors;
}

}  // namespace kiln::sched
