// The hash map behind map-side combining and reduce-side aggregation: entries in a dense vector
// (insertion order, so results are deterministic), an open-addressing index of positions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "hash.hpp"

namespace kiln::detail {

// The index of positions both combining tables (this one and PackedStringTable) probe: a
// power-of-two array of entry positions, linear probing from a Fibonacci hash of the key hash.
inline constexpr uint32_t kEmptySlot = UINT32_MAX;
inline size_t indexSlot(size_t h, int shift) { return (h * 0x9e3779b97f4a7c15ULL) >> shift; }
// Makes `index` `cap` empty slots (a power of two), sets `shift` to match, and enters the
// positions 0..count-1, position p by its entry's hash hashOf(p).
template <class HashOf>
void rebuildIndex(std::vector<uint32_t>& index, int& shift, size_t cap, size_t count,
                  HashOf&& hashOf) {
  index.assign(cap, kEmptySlot);
  shift = 64 - __builtin_ctzll(cap);
  const size_t mask = cap - 1;
  for (size_t pos = 0; pos < count; ++pos) {
    size_t s = indexSlot(hashOf(pos), shift);
    while (index[s] != kEmptySlot) s = (s + 1) & mask;
    index[s] = uint32_t(pos);
  }
}

template <class K, class V>
class FlatHashMap {
 public:
  struct Entry {
    size_t hash;  // Hash<K> of the key: also decides the key's shuffle partition
    std::pair<K, V> kv;
  };

  // Finds key (hash h) or inserts it with value made by makeValue(); returns the entry and
  // whether it was inserted.
  // The key is moved in only when inserted.
  template <class KeyArg, class MakeValue>
  std::pair<Entry*, bool> findOrInsert(KeyArg&& key, size_t h, MakeValue&& makeValue) {
    if ((entries_.size() + 1) * 2 > index_.size()) grow();
    size_t mask = index_.size() - 1;
    for (size_t i = slotOf(h);; i = (i + 1) & mask) {
      uint32_t pos = index_[i];
      if (pos == kEmpty) {
        index_[i] = uint32_t(entries_.size());
        entries_.push_back(Entry{h, {std::forward<KeyArg>(key), makeValue()}});
        return {&entries_.back(), true};
      }
      Entry& e = entries_[pos];
      if (e.hash == h && keysEqual(e.kv.first, key)) return {&e, false};
    }
  }

  // Adds a block of (key, x) records: a new key's value is create(std::move(x)), a present
  // one's becomes merge(std::move(value), std::move(x)). Keys are moved from. The block is
  // hashed first and its index slots, then entries, prefetched: the lookups that follow find
  // their cache lines already arriving instead of stalling on each miss in turn.
  template <class X, class Create, class Merge>
  void upsertBlock(std::span<std::pair<K, X>> block, Create&& create, Merge&& merge) {
    constexpr size_t kChunk = 256;
    size_t hashes[kChunk];
    for (size_t base = 0; base < block.size(); base += kChunk) {
      size_t n = std::min(kChunk, block.size() - base);
      auto* recs = block.data() + base;
      for (size_t i = 0; i < n; ++i) {
        hashes[i] = Hash<K>{}(recs[i].first);
        if (!index_.empty()) __builtin_prefetch(&index_[slotOf(hashes[i])]);
      }
      if (!index_.empty())
        for (size_t i = 0; i < n; ++i) {
          uint32_t pos = index_[slotOf(hashes[i])];
          if (pos == kEmpty) continue;
          // Both ends: an entry may straddle two cache lines.
          __builtin_prefetch(&entries_[pos]);
          __builtin_prefetch(reinterpret_cast<const char*>(&entries_[pos] + 1) - 1);
        }
      for (size_t i = 0; i < n; ++i) {
        auto& [k, x] = recs[i];
        auto [e, inserted] =
            findOrInsert(std::move(k), hashes[i], [&] { return V(create(std::move(x))); });
        if (!inserted) e->kv.second = merge(std::move(e->kv.second), std::move(x));
      }
    }
  }

  // Makes room for n keys up front, so that a table expected to hold them never rehashes.
  void reserve(size_t n) {
    while (n * 2 > index_.size()) grow();
  }
  size_t size() const { return entries_.size(); }
  std::vector<Entry>& entries() { return entries_; }
  // Bytes of the table itself (entries and index), not what records own on the heap.
  size_t tableBytes() const {
    return entries_.capacity() * sizeof(Entry) + index_.capacity() * sizeof(uint32_t);
  }
  // Whether adding n more keys may grow the table (which then briefly holds old and new arrays,
  // about three times tableBytes()).
  bool mayGrow(size_t n) const { return (entries_.size() + n) * 2 > index_.size(); }
  size_t growthPeakBytes() const { return 3 * tableBytes(); }
  // The most bytes a table reserved for n keys holds while it fills.
  static size_t reservePeakBytes(size_t n) { return 3 * n * (sizeof(Entry) + 16); }
  // Empties the map and gives its memory back.
  void clear() {
    std::vector<Entry>().swap(entries_);
    std::vector<uint32_t>().swap(index_);
    shift_ = 64;
  }

 private:
  static constexpr uint32_t kEmpty = kEmptySlot;
  // Fibonacci hashing spreads identity hashes (std::hash of integers) over the table.
  size_t slotOf(size_t h) const { return indexSlot(h, shift_); }
  void grow() {
    size_t cap = index_.empty() ? 16 : index_.size() * 2;
    entries_.reserve(cap / 2);  // the entries grow here only, in step with the index
    rebuildIndex(index_, shift_, cap, entries_.size(), [&](size_t p) { return entries_[p].hash; });
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;
  int shift_ = 64;
};

}  // namespace kiln::detail
