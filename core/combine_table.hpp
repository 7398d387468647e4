// A hash map for combining (a FlatHashMap, or a PackedStringTable for string keys with flat
// combiners) that knows about how much memory it holds, so that combining can spill before it
// outgrows its task's share of the executor's budget. The table's own arrays are counted
// exactly; what keys and combiners own on the heap is estimated as records arrive and corrected
// by sampling now and then (a growing combiner such as groupByKey's vector is seen).
#pragma once

#include <span>
#include <type_traits>

#include "flat_hash_map.hpp"
#include "memory_estimate.hpp"
#include "packed_string_table.hpp"

namespace kiln::detail {

template <class K, class C>
class CombineTable {
  // Combiners that own no heap memory never grow after they are made.
  static constexpr bool kFlatCombiner = std::is_trivially_copyable_v<C>;

 public:
  // String keys with flat combiners (counts, sums) are packed into the entries.
  static constexpr bool kPacked = std::is_same_v<K, std::string> && kFlatCombiner;
  using Map = std::conditional_t<kPacked, PackedStringTable<C>, FlatHashMap<K, C>>;

  // Records: (K, X) pairs, or for a packed table also borrowed (std::string_view, X) pairs.
  template <class Key, class X, class Create, class Merge>
  void upsertBlock(std::span<std::pair<Key, X>> block, Create&& create, Merge&& merge) {
    static_assert(std::is_same_v<Key, K> || kPacked, "borrowed keys go into packed tables only");
    [[maybe_unused]] const size_t before = map_.size();
    if constexpr (!kFlatCombiner) {
      // Merged values may be kept whole (a group): count them before they are moved in.
      for (const auto& kv : block) heap_ += sizeof(X) + heapBytes(kv.second);
      if (++blocks_ % kResampleBlocks == 0) resample();
    }
    map_.upsertBlock(block, create, merge);
    if constexpr (kPacked) {
      heap_ = map_.heapBytes();
    } else {
      auto& entries = map_.entries();
      for (size_t i = before; i < entries.size(); ++i) heap_ += heapBytes(entries[i].kv.first);
    }
  }
  size_t estimatedBytes() const { return map_.tableBytes() + heap_; }
  // Whether inserting n more records might take the table past `limit` while it grows.
  bool growthMayExceed(size_t n, size_t limit) const {
    return map_.size() > 0 && map_.mayGrow(n) && map_.growthPeakBytes() + heap_ > limit;
  }
  size_t size() const { return map_.size(); }
  void reserve(size_t keys) { map_.reserve(keys); }
  // The most bytes a table reserved for n keys holds while it fills (and grows).
  static size_t reservePeakBytes(size_t keys) { return Map::reservePeakBytes(keys); }
  // The entries, in first-seen order (a packed table's short keys first). Once they are read the table takes no more records
  // until clear().
  auto& entries() { return map_.entries(); }
  // A packed table's entries as (hash, key bytes, value), without making entries().
  template <class F>
  void forEachPacked(F&& f) const requires kPacked {
    map_.forEachPacked(f);
  }
  void clear() {
    map_.clear();
    heap_ = 0;
  }

 private:
  static constexpr size_t kResampleBlocks = 64;
  static constexpr size_t kSamples = 16;
  void resample() {
    auto& entries = map_.entries();
    if (entries.size() < kSamples) return;
    size_t sampled = 0;
    for (size_t i = 0; i < kSamples; ++i)
      sampled += heapBytes(entries[i * entries.size() / kSamples].kv);
    heap_ = sampled * entries.size() / kSamples;
  }

  Map map_;
  size_t heap_ = 0;
  size_t blocks_ = 0;
};

}  // namespace kiln::detail
