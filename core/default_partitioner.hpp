// Which partitioner a by-key operation uses when the user names none (Spark's
// Partitioner.defaultPartitioner).
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "node.hpp"
#include "partitioner.hpp"

namespace kiln {

template <class K>
class Partitioning;

namespace detail {

// What partitioner resolution needs to know of each input of a by-key operation.
struct InputShape {
  int numPartitions;
  std::shared_ptr<const PartitionerBase> partitioner;
};
template <class X>
InputShape shapeOf(const NodePtr<X>& n) {
  return {n->numPartitions(), n->partitioner()};
}

// Spark's rule (Partitioner.defaultPartitioner): an explicit count or partitioner wins; else the
// inputs' largest partitioner if it is within 10x of the largest input or at least the default
// count; else hash partitioning into the default count (kiln.default.parallelism if set, else
// the largest input's partition count).
template <class K>
std::shared_ptr<const Partitioner<K>> resolvePartitioner(const Partitioning<K>& requested,
                                                         const std::vector<InputShape>& inputs,
                                                         int configuredDefault, const char* op) {
  if (requested.partitioner()) return requested.partitioner();
  if (requested.count() < 0)
    throw Error(std::string(op) + ": number of partitions (" + std::to_string(requested.count()) +
                ") must be positive");
  if (requested.count() > 0) return std::make_shared<HashPartitioner<K>>(requested.count());
  int maxPartitions = 1;
  std::shared_ptr<const PartitionerBase> best;
  for (const auto& in : inputs) {
    maxPartitions = std::max(maxPartitions, in.numPartitions);
    if (in.partitioner && (!best || in.partitioner->numPartitions() > best->numPartitions()))
      best = in.partitioner;
  }
  int defaultCount = configuredDefault > 0 ? configuredDefault : maxPartitions;
  if (best) {
    bool eligible =
        std::log10(double(maxPartitions)) - std::log10(double(best->numPartitions())) < 1;
    if (eligible || defaultCount <= best->numPartitions())
      if (auto typed = std::dynamic_pointer_cast<const Partitioner<K>>(best)) return typed;
  }
  return std::make_shared<HashPartitioner<K>>(defaultCount);
}

}  // namespace detail
}  // namespace kiln
