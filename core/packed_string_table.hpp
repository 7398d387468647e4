// The combining table for string keys with small flat combiners (word count's (word, count)):
// a key of up to 15 bytes is kept as two 64-bit words inside its entry, not as a std::string,
// so an entry is 32 bytes and never straddles a cache line (a std::string entry is 48 and
// straddles half the time). Map-side combining of text is bound by these entries' cache
// misses: a task's table holds most of the vocabulary, far more than the caches.
// Entries are in insertion order, as in FlatHashMap; entries() turns them into FlatHashMap
// entries once the table is full, for the code that writes or merges them.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "flat_hash_map.hpp"
#include "hash.hpp"
#include "hash_bytes.hpp"

namespace kiln::detail {

template <class C>
class PackedStringTable {
  static_assert(std::is_trivially_copyable_v<C>, "packed entries are copied as bytes");

  // A key of up to 15 bytes: its bytes zero-padded, the length in the top byte of w1. A longer
  // key: w1 is kLongKey and w0 its position in longKeys_.
  struct Packed {
    uint64_t w0, w1;
  };
  struct alignas(sizeof(C) + 24 <= 32 ? 32 : std::max(alignof(C), alignof(size_t))) PackedEntry {
    size_t hash;
    Packed key;
    C value;
  };

 public:
  using Entry = typename FlatHashMap<std::string, C>::Entry;

  // Key: std::string, or std::string_view for borrowed records (words cut from a line).
  template <class Key, class X, class Create, class Merge>
  void upsertBlock(std::span<std::pair<Key, X>> block, Create&& create, Merge&& merge) {
    static_assert(std::is_same_v<Key, std::string> || std::is_same_v<Key, std::string_view>);
    assert(entries_.empty() && "no upserts between entries() and clear()");
    constexpr size_t kChunk = 256;
    size_t hashes[kChunk];
    Packed keys[kChunk];
    for (size_t base = 0; base < block.size(); base += kChunk) {
      const size_t n = std::min(kChunk, block.size() - base);
      auto* recs = block.data() + base;
      if (mayGrow(n)) grow(packed_.size() + n);
      // Hash and pack the chunk, prefetching index slots, then the entries they hold: the
      // probes that follow find their lines arriving instead of stalling on each in turn.
      for (size_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<Key, std::string>) {
          hashes[i] = Hash<std::string>{}(recs[i].first);
          keys[i] = pack(recs[i].first);
        } else {
          keys[i] = packView(recs[i].first);
          hashes[i] = hashPackedView(keys[i], recs[i].first);
        }
        __builtin_prefetch(&index_[slotOf(hashes[i])]);
      }
      for (size_t i = 0; i < n; ++i) {
        const uint32_t pos = index_[slotOf(hashes[i])];
        if (pos != kEmpty) __builtin_prefetch(&packed_[pos]);
      }
      const size_t mask = index_.size() - 1;
      for (size_t i = 0; i < n; ++i) {
        auto& [key, x] = recs[i];
        const size_t h = hashes[i];
        for (size_t s = slotOf(h);; s = (s + 1) & mask) {
          const uint32_t pos = index_[s];
          if (pos == kEmpty) {
            index_[s] = uint32_t(packed_.size());
            Packed k = keys[i];
            if (k.w1 == kLongKey) {
              k.w0 = longKeys_.size();
              if constexpr (std::is_same_v<Key, std::string>)
                longKeys_.push_back(std::move(key));
              else
                longKeys_.emplace_back(key);
              longKeyBytes_ += longKeys_.back().capacity() + 1;
            }
            packed_.push_back(PackedEntry{h, k, C(create(std::move(x)))});
            break;
          }
          PackedEntry& e = packed_[pos];
          if (e.hash == h && e.key.w1 == keys[i].w1 &&
              (keys[i].w1 == kLongKey ? longKeys_[e.key.w0] == key : e.key.w0 == keys[i].w0)) {
            e.value = merge(std::move(e.value), std::move(x));
            break;
          }
        }
      }
    }
  }

  void reserve(size_t n) {
    if (n * 2 > index_.size()) grow(n);
  }
  size_t size() const { return packed_.size(); }
  // The entries as FlatHashMap entries, keys made std::strings, in insertion order. Made once
  // the table is done growing: upserts after this are not allowed until clear().
  std::vector<Entry>& entries() {
    if (entries_.size() != packed_.size()) {
      entries_.clear();
      entries_.reserve(packed_.size());
      for (const PackedEntry& e : packed_)
        entries_.push_back(Entry{e.hash, {unpack(e.key), e.value}});
    }
    return entries_;
  }
  // Calls f(hash, key bytes, value) for every entry in insertion order, without making the
  // keys std::strings: what a map task needs to write its buckets.
  template <class F>
  void forEachPacked(F&& f) const {
    char buffer[16];
    for (const PackedEntry& e : packed_) f(e.hash, keyBytes(e.key, buffer), e.value);
  }
  // Bytes of the table, counting the std::string entries it is turned into at the end.
  size_t tableBytes() const {
    return packed_.capacity() * kBytesPerEntry + index_.capacity() * sizeof(uint32_t);
  }
  static constexpr size_t kBytesPerEntry = sizeof(PackedEntry) + sizeof(Entry);
  // Bytes the keys too long to pack own: their strings and what those hold on the heap.
  size_t heapBytes() const { return longKeys_.capacity() * sizeof(std::string) + longKeyBytes_; }
  bool mayGrow(size_t n) const { return (packed_.size() + n) * 2 > index_.size(); }
  // Growing doubles the arrays; the old ones, freed at once, are smaller than the entries the
  // table is turned into at the end, which tableBytes() already counts.
  size_t growthPeakBytes() const { return 2 * tableBytes(); }
  // The most bytes a table reserved for n keys holds: up to twice n entries, an index of up to
  // four times n slots, and the n entries it is turned into.
  static size_t reservePeakBytes(size_t n) {
    return n * (2 * sizeof(PackedEntry) + 4 * sizeof(uint32_t) + sizeof(Entry));
  }
  void clear() {
    std::vector<PackedEntry>().swap(packed_);
    std::vector<uint32_t>().swap(index_);
    std::vector<std::string>().swap(longKeys_);
    std::vector<Entry>().swap(entries_);
    longKeyBytes_ = 0;
    shift_ = 64;
  }

 private:
  static constexpr uint64_t kLongKey = ~0ULL;
  static constexpr size_t kMaxPacked = 15;
  static constexpr uint32_t kEmpty = kEmptySlot;

  static Packed pack(const std::string& s) {
    const size_t n = s.size();
    if (n > kMaxPacked) return {0, kLongKey};
    // Every std::string's buffer holds at least 16 bytes (its inline buffer, or a heap one of
    // capacity 15 or more), so both words load without branching on the length.
    if (s.capacity() < kMaxPacked) return packSlowly(s);
    const uint64_t a = load64(s.data()), b = load64(s.data() + 8);
    const uint64_t w0 = n >= 8 ? a : lowBytes(a, n);
    const uint64_t w1 = n > 8 ? lowBytes(b, n - 8) : 0;
    return {w0, w1 | (uint64_t(n) << 56)};
  }
  // A key that is a view into someone else's bytes: loads stay within them.
  static Packed packView(std::string_view s) {
    const size_t n = s.size();
    if (n > kMaxPacked) return {0, kLongKey};
    const char* p = s.data();
    if (n <= 8) return {paddedWord(p, n), uint64_t(n) << 56};
    // The bytes after the first 8, from the 8 that end the key, shifted down past the overlap.
    return {load64(p), (load64(p + n - 8) >> (8 * (16 - n))) | (uint64_t(n) << 56)};
  }
  // Hash<std::string_view> of the key packView packed, reusing its padded word when short.
  static size_t hashPackedView(const Packed& k, std::string_view s) {
    return s.size() <= 8 ? hashShortWord(k.w0, s.size()) : hashBytes(s.data(), s.size());
  }
  static Packed packSlowly(const std::string& s) {
    char bytes[16] = {};
    std::memcpy(bytes, s.data(), s.size());
    return {load64(bytes), load64(bytes + 8) | (uint64_t(s.size()) << 56)};
  }
  // A key's bytes: a long key's string, or a short key's words laid out in `buffer`.
  std::string_view keyBytes(const Packed& k, char (&buffer)[16]) const {
    if (k.w1 == kLongKey) return longKeys_[k.w0];
    std::memcpy(buffer, &k.w0, 8);
    std::memcpy(buffer + 8, &k.w1, 8);
    return std::string_view(buffer, size_t(k.w1 >> 56));
  }
  std::string unpack(const Packed& k) {
    if (k.w1 == kLongKey) return std::move(longKeys_[k.w0]);
    char buffer[16];
    return std::string(keyBytes(k, buffer));
  }

  size_t slotOf(size_t h) const { return indexSlot(h, shift_); }
  // Makes the index hold at least 2 * keys slots, and the entries room for keys.
  void grow(size_t keys) {
    size_t cap = index_.empty() ? 16 : index_.size();
    while (keys * 2 > cap) cap *= 2;
    packed_.reserve(cap / 2);
    rebuildIndex(index_, shift_, cap, packed_.size(), [&](size_t p) { return packed_[p].hash; });
  }

  std::vector<PackedEntry> packed_;
  std::vector<uint32_t> index_;
  std::vector<std::string> longKeys_;
  std::vector<Entry> entries_;  // made by entries()
  size_t longKeyBytes_ = 0;
  int shift_ = 64;
};

}  // namespace kiln::detail
