// An executor's cached partitions (persisted RDDs), type-erased: the typed code knows what a
// block holds and how to turn it into bytes. Blocks live in memory within a budget; past it the
// least recently used give way: spilled to a file when their level allows disk, else dropped
// (recomputed from lineage when needed again).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../io/scratch_directory.hpp"
#include "../util/byte_buffer.hpp"

namespace kiln::sched {

class BlockStore {
 public:
  using Block = std::shared_ptr<const void>;
  enum class Residence { Memory, MemoryOrDisk, Disk };  // MEMORY_ONLY, MEMORY_AND_DISK, DISK_ONLY
  // How a block becomes bytes (for its spill file) and back.
  struct Codec {
    std::function<ByteBuffer(const void*)> save;
    std::function<Block(ByteReader&)> load;
  };

  // Memory budget in bytes, and the directory spill files go to.
  void configure(uint64_t budgetBytes, io::ScratchDirectory& scratch);

  // Stores a partition and notes it in the running task's journal (reported to the driver, which
  // then sends tasks needing this block here).
  void put(int rdd, int partition, Block block, uint64_t bytes, Residence residence, Codec codec);
  // From memory, or read back from its spill file; null if absent (or dropped).
  Block get(int rdd, int partition);
  void dropRdd(int rdd);
  // The blocks the task running on this thread stored since the last call.
  static std::vector<std::pair<int, int>> takeTaskJournal();

  uint64_t memoryUsed() const;

 private:
  using Key = std::pair<int, int>;
  struct Entry {
    Block block;  // null when spilled
    uint64_t bytes = 0;
    Residence residence = Residence::Memory;
    Codec codec;
    std::string spillPath;  // set once spilled
    uint64_t lastUse = 0;
  };
  void makeRoom(uint64_t needed, const Key& keep);  // lock held
  void spill(const Key& key, Entry& e);             // lock held
  std::string spillPathFor(const Key& key) const;   // lock held

  mutable std::mutex mutex_;
  std::map<Key, Entry> blocks_;
  uint64_t budget_ = UINT64_MAX;
  uint64_t used_ = 0;
  uint64_t clock_ = 0;
  io::ScratchDirectory* scratch_ = nullptr;
};

}  // namespace kiln::sched
