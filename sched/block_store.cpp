#include "block_store.hpp"

#include <filesystem>

#include "../io/spill_file.hpp"
#include "../util/error.hpp"

namespace kiln::sched {
namespace fs = std::filesystem;
namespace {
thread_local std::vector<std::pair<int, int>> tlsJournal;
}

void BlockStore::configure(uint64_t budgetBytes, io::ScratchDirectory& scratch) {
  std::lock_guard lock(mutex_);
  budget_ = budgetBytes;
  scratch_ = &scratch;
}

std::string BlockStore::spillPathFor(const Key& key) const {
  if (!scratch_) throw Error("internal: block store used before configure");
  return scratch_->path() + "/rdd" + std::to_string(key.first) + "-p" + std::to_string(key.second) +
         ".h5";
}

void BlockStore::spill(const Key& key, Entry& e) {
  if (!e.block) return;
  if (e.spillPath.empty()) {
    std::string path = spillPathFor(key);
    io::writeSpillFile(path, e.codec.save(e.block.get()));
    e.spillPath = path;
  }
  e.block.reset();
  used_ -= e.bytes;
}

void BlockStore::makeRoom(uint64_t needed, const Key& keep) {
  while (used_ + needed > budget_) {
    // The least recently used block in memory, other than the one being made room for.
    auto victim = blocks_.end();
    for (auto it = blocks_.begin(); it != blocks_.end(); ++it)
      if (it->second.block && it->first != keep &&
          (victim == blocks_.end() || it->second.lastUse < victim->second.lastUse))
        victim = it;
    if (victim == blocks_.end()) return;  // nothing left to evict
    if (victim->second.residence == Residence::Memory) {
      used_ -= victim->second.bytes;
      blocks_.erase(victim);  // recomputed from lineage when needed
    } else {
      spill(victim->first, victim->second);
    }
  }
}

void BlockStore::put(int rdd, int partition, Block block, uint64_t bytes, Residence residence,
                     Codec codec) {
  {
    std::lock_guard lock(mutex_);
    Key key{rdd, partition};
    if (auto old = blocks_.find(key); old != blocks_.end()) {
      if (old->second.block) used_ -= old->second.bytes;
      std::error_code ec;
      if (!old->second.spillPath.empty()) fs::remove(old->second.spillPath, ec);
      blocks_.erase(old);
    }
    Entry e{std::move(block), bytes, residence, std::move(codec), "", ++clock_};
    bool fits = bytes <= budget_;
    if (residence == Residence::Disk || (!fits && residence == Residence::MemoryOrDisk)) {
      // Straight to a file; the budget is untouched, even when writing fails.
      std::string path = spillPathFor(key);
      io::writeSpillFile(path, e.codec.save(e.block.get()));
      e.spillPath = path;
      e.block.reset();
    } else if (!fits) {
      return;  // MEMORY_ONLY and larger than the whole budget: not cached (as Spark)
    } else {
      makeRoom(bytes, key);
      used_ += e.bytes;
    }
    blocks_[key] = std::move(e);
  }
  tlsJournal.emplace_back(rdd, partition);
}

BlockStore::Block BlockStore::get(int rdd, int partition) {
  std::lock_guard lock(mutex_);
  auto it = blocks_.find({rdd, partition});
  if (it == blocks_.end()) return nullptr;
  Entry& e = it->second;
  e.lastUse = ++clock_;
  if (e.block) return e.block;
  ByteBuffer bytes = io::readSpillFile(e.spillPath);
  ByteReader in(bytes.span());
  return e.codec.load(in);  // served from disk, not brought back into memory
}

void BlockStore::dropRdd(int rdd) {
  std::lock_guard lock(mutex_);
  auto first = blocks_.lower_bound({rdd, INT32_MIN}), last = blocks_.upper_bound({rdd, INT32_MAX});
  for (auto it = first; it != last; ++it) {
    if (it->second.block) used_ -= it->second.bytes;
    std::error_code ec;
    if (!it->second.spillPath.empty()) fs::remove(it->second.spillPath, ec);
  }
  blocks_.erase(first, last);
}

uint64_t BlockStore::memoryUsed() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::vector<std::pair<int, int>> BlockStore::takeTaskJournal() {
  return std::exchange(tlsJournal, {});
}

}  // namespace kiln::sched
