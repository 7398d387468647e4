#include "block_store.hpp"

namespace kiln::sched {
namespace {
thread_local std::vector<std::pair<int, int>> tlsJournal;
}

void BlockStore::put(int rdd, int partition, Block block) {
  {
    std::lock_guard lock(mutex_);
    blocks_[{rdd, partition}] = std::move(block);
  }
  tlsJournal.emplace_back(rdd, partition);
}

BlockStore::Block BlockStore::get(int rdd, int partition) const {
  std::lock_guard lock(mutex_);
  auto it = blocks_.find({rdd, partition});
  return it == blocks_.end() ? nullptr : it->second;
}

void BlockStore::dropRdd(int rdd) {
  std::lock_guard lock(mutex_);
  blocks_.erase(blocks_.lower_bound({rdd, INT32_MIN}), blocks_.upper_bound({rdd, INT32_MAX}));
}

std::vector<std::pair<int, int>> BlockStore::takeTaskJournal() {
  return std::exchange(tlsJournal, {});
}

}  // namespace kiln::sched
