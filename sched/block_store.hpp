// An executor's cached partitions (persisted RDDs), type-erased: the typed code knows what a
// block holds.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace kiln::sched {

class BlockStore {
 public:
  using Block = std::shared_ptr<const void>;
  // Stores a partition and notes it in the running task's journal (reported to the driver, which
  // then sends tasks needing this block here).
  void put(int rdd, int partition, Block block);
  Block get(int rdd, int partition) const;
  void dropRdd(int rdd);
  // The blocks the task running on this thread stored since the last call.
  static std::vector<std::pair<int, int>> takeTaskJournal();

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<int, int>, Block> blocks_;
};

}  // namespace kiln::sched
