// An executor's shuffle data: what its map tasks wrote, and after the exchange, the pieces of
// the reduce partitions it owns.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "../util/byte_buffer.hpp"

namespace kiln::sched {

// The bytes of one reduce partition that came from one map partition.
struct ShuffleSegment {
  int mapPartition = 0;
  std::span<const std::byte> bytes;
};

class ShuffleStore {
 public:
  // Thread-safe; a retried task's output replaces the earlier attempt's.
  void putMapOutput(int shuffle, int mapPartition, std::vector<ByteBuffer> buckets);
  // Single executor: its map outputs are already everything.
  void exchangeLocally(int shuffle, int numReducePartitions);
  // Collective over `executors`: sends every bucket to its reduce partition's owner.
  void exchange(int shuffle, int numReducePartitions, MPI_Comm executors, uint64_t maxRoundBytes);
  // Segments of a reduce partition owned here, ordered by map partition. Thread-safe.
  std::vector<ShuffleSegment> segments(int shuffle, int reducePartition) const;
  // Frees a shuffle's data (its RDD is gone).
  void drop(int shuffle);
  // Forgets map outputs not yet exchanged (at the end of every job).
  void dropMapOutputs();

 private:
  struct Input {
    int executor = 0;      // this executor's index and the executor count at the exchange:
    int numExecutors = 1;  // reduce partition r lives here when r % numExecutors == executor
    std::map<int, std::vector<ByteBuffer>> localOutputs;  // kept when nothing moved
    ByteBuffer received;
    std::unordered_map<int, std::vector<ShuffleSegment>> byReducePartition;
  };
  mutable std::mutex mutex_;
  std::unordered_map<int, std::map<int, std::vector<ByteBuffer>>> mapOutputs_;
  std::unordered_map<int, Input> inputs_;
};

}  // namespace kiln::sched
