// The combining table for string keys with small flat combiners (word count's (word, count)):
// a key of up to 15 bytes is kept as two 64-bit words inside its entry, not as a std::string,
// so an entry is 32 bytes and never straddles a cache line (a std::string entry is 48 and
// straddles half the time). Map-side combining of text is bound by these entries' cache
// misses: a task's table holds most of the vocabulary, far more than the caches.
// Keys of 1 to 7 bytes (most words), when the combiner fits in 8 bytes, go further: they live
// in the probed array itself, key and value in a 16-byte slot, so a lookup reads one cache line
// instead of an index slot and then an entry, and the array may fill to 3/4.
// Entries come out in first-seen order, the slots' keys first and then the others (so results
// are deterministic, as FlatHashMap's insertion order makes them); entries() turns them into
// FlatHashMap entries once the table is full, for the code that writes or merges them.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
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
  // A slot: a key of 1 to 7 bytes as its zero-padded bytes with the length in the top byte (so
  // never 0, which marks an empty slot), and its value.
  static constexpr bool kSlots = sizeof(C) <= 8 && alignof(C) <= 8;
  static constexpr size_t kMaxSlotKey = 7;
  struct alignas(16) Slot {
    uint64_t key;
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
    bool inSlot[kChunk];
    for (size_t base = 0; base < block.size(); base += kChunk) {
      const size_t n = std::min(kChunk, block.size() - base);
      auto* recs = block.data() + base;
      // Hash and pack the chunk, then make room, then prefetch each key's slot (or index slot,
      // then entry): the probes that follow find their lines arriving instead of stalling on
      // each in turn.
      size_t slotted = 0;
      for (size_t i = 0; i < n; ++i) {
        if constexpr (std::is_same_v<Key, std::string>) {
          hashes[i] = Hash<std::string>{}(recs[i].first);
          keys[i] = pack(recs[i].first);
        } else {
          keys[i] = packView(recs[i].first);
          hashes[i] = hashPackedView(keys[i], recs[i].first);
        }
        inSlot[i] = kSlots && recs[i].first.size() - 1 < kMaxSlotKey;
        slotted += inSlot[i];
      }
      if (slotted > 0 && slotsMayGrow(slotted)) growSlots(slotOrder_.size() + slotted);
      if (n > slotted && entriesMayGrow(n - slotted)) grow(packed_.size() + n - slotted);
      for (size_t i = 0; i < n; ++i) {
        if (inSlot[i])
          __builtin_prefetch(slots_.get() + slotOf(hashes[i]));
        else
          __builtin_prefetch(&index_[indexSlotOf(hashes[i])]);
      }
      if (n > slotted) {
        for (size_t i = 0; i < n; ++i) {
          if (inSlot[i]) continue;
          const uint32_t pos = index_[indexSlotOf(hashes[i])];
          if (pos != kEmpty) __builtin_prefetch(&packed_[pos]);
        }
      }
      for (size_t i = 0; i < n; ++i) {
        auto& [key, x] = recs[i];
        if (inSlot[i]) {
          // A key of up to 7 bytes packs to its bytes in w0 and only its length in w1.
          upsertSlot(keys[i].w0 | keys[i].w1, hashes[i], x, create, merge);
        } else {
          upsertEntry(key, keys[i], hashes[i], x, create, merge);
        }
      }
    }
  }

  // Sizes the table for about n keys: the part first needed (slots or entries) is made that
  // size at once; the other grows as usual.
  void reserve(size_t n) { reserveHint_ = n; }
  size_t size() const { return slotOrder_.size() + packed_.size(); }
  // The entries as FlatHashMap entries, keys made std::strings, in first-seen order (the
  // slots' keys first). Made once
  // the table is done growing: upserts after this are not allowed until clear().
  std::vector<Entry>& entries() {
    if (entries_.size() != size()) {
      entries_.clear();
      entries_.reserve(size());
      char buffer[16] = {};  // defined bytes past a short key, for readers that load words
      forEachSlot([&](const Slot& e) {
        entries_.push_back(
            Entry{slotHash(e.key), {std::string(slotKeyBytes(e.key, buffer)), e.value}});
      });
      for (const PackedEntry& e : packed_)
        entries_.push_back(Entry{e.hash, {unpack(e.key), e.value}});
    }
    return entries_;
  }
  // Calls f(hash, key bytes, value) for every entry in entries()' order, without making the
  // keys std::strings: what a map task needs to write its buckets.
  template <class F>
  void forEachPacked(F&& f) const {
    char buffer[16] = {};  // defined bytes past a short key, for readers that load words
    forEachSlot([&](const Slot& e) { f(slotHash(e.key), slotKeyBytes(e.key, buffer), e.value); });
    for (const PackedEntry& e : packed_) f(e.hash, keyBytes(e.key, buffer), e.value);
  }
  // Bytes of the table, counting the std::string entries it is turned into at the end.
  size_t tableBytes() const {
    return packed_.capacity() * kBytesPerEntry + index_.capacity() * sizeof(uint32_t) +
           slotCount_ * sizeof(Slot) + slotOrder_.capacity() * (sizeof(uint32_t) + sizeof(Entry));
  }
  static constexpr size_t kBytesPerEntry = sizeof(PackedEntry) + sizeof(Entry);
  // Bytes the keys too long to pack own: their strings and what those hold on the heap.
  size_t heapBytes() const { return longKeys_.capacity() * sizeof(std::string) + longKeyBytes_; }
  // Whether n more keys, of either kind, may double a part of the table. A part not made yet
  // starts small, or at the reserved size, whose peak reservePeakBytes() already bounded.
  bool mayGrow(size_t n) const {
    return (slotCount_ > 0 && slotsMayGrow(n)) || (!index_.empty() && entriesMayGrow(n));
  }
  // Growing doubles one part's arrays; the old ones, freed at once, are smaller than the
  // entries the table is turned into at the end, which tableBytes() already counts.
  size_t growthPeakBytes() const { return 2 * tableBytes(); }
  // The most bytes a table reserved for n keys holds while it fills, as tableBytes() counts
  // them: entries and index rounded up to powers of two (up to 2n entries, 4n index slots), or
  // slots up to 8n/3 with a log of up to 2n.
  static size_t reservePeakBytes(size_t n) {
    const size_t entries = n * (2 * kBytesPerEntry + 4 * sizeof(uint32_t));
    const size_t slots = n * (3 * sizeof(Slot) + 2 * (sizeof(uint32_t) + sizeof(Entry)));
    return kSlots ? std::max(entries, slots) : entries;
  }
  void clear() {
    std::vector<PackedEntry>().swap(packed_);
    std::vector<uint32_t>().swap(index_);
    std::vector<std::string>().swap(longKeys_);
    std::vector<Entry>().swap(entries_);
    longKeyBytes_ = 0;
    shift_ = 64;
    slots_.reset();
    slotCount_ = 0;
    slotShift_ = 64;
    std::vector<uint32_t>().swap(slotOrder_);
    reserveHint_ = 0;
  }

 private:
  static constexpr uint64_t kLongKey = ~0ULL;
  static constexpr size_t kMaxPacked = 15;
  static constexpr uint32_t kEmpty = kEmptySlot;
  static constexpr uint64_t kSlotBytesMask = ~0ULL >> 8;
  static constexpr size_t kVisitAhead = 16;  // slots fetched ahead when visiting in order

  // Calls f(slot) for the used slots in first-seen order. That order visits the array at
  // random: each slot is fetched ahead, or every visit would wait on memory.
  template <class F>
  void forEachSlot(F&& f) const {
    const Slot* slots = slots_.get();
    const size_t n = slotOrder_.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + kVisitAhead < n) __builtin_prefetch(slots + slotOrder_[i + kVisitAhead]);
      f(slots[slotOrder_[i]]);
    }
  }
  template <class X, class Create, class Merge>
  void upsertSlot(uint64_t key, size_t h, X& x, Create& create, Merge& merge) {
    const size_t mask = slotCount_ - 1;
    Slot* slots = slots_.get();
    for (size_t s = slotOf(h);; s = (s + 1) & mask) {
      Slot& e = slots[s];
      if (e.key == key) {
        e.value = merge(std::move(e.value), std::move(x));
        return;
      }
      if (e.key == 0) {
        e.value = C(create(std::move(x)));  // first: if create throws, the slot stays empty
        e.key = key;
        slotOrder_.push_back(uint32_t(s));  // never reallocates: reserved for 3/4 of the slots
        return;
      }
    }
  }
  template <class Key, class X, class Create, class Merge>
  void upsertEntry(Key& key, const Packed& packed, size_t h, X& x, Create& create, Merge& merge) {
    const size_t mask = index_.size() - 1;
    for (size_t s = indexSlotOf(h);; s = (s + 1) & mask) {
      const uint32_t pos = index_[s];
      if (pos == kEmpty) {
        Packed k = packed;
        if (k.w1 == kLongKey) {
          k.w0 = longKeys_.size();
          if constexpr (std::is_same_v<Key, std::string>)
            longKeys_.push_back(std::move(key));
          else
            longKeys_.emplace_back(key);
          longKeyBytes_ += longKeys_.back().capacity() + 1;
        }
        packed_.push_back(PackedEntry{h, k, C(create(std::move(x)))});
        index_[s] = uint32_t(packed_.size() - 1);  // last: nothing above left it dangling
        return;
      }
      PackedEntry& e = packed_[pos];
      if (e.hash == h && e.key.w1 == packed.w1 &&
          (packed.w1 == kLongKey ? longKeys_[e.key.w0] == key : e.key.w0 == packed.w0)) {
        e.value = merge(std::move(e.value), std::move(x));
        return;
      }
    }
  }

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
  // A slot key's hash: Hash<std::string> of its bytes, as the entries' keys have.
  static size_t slotHash(uint64_t key) { return hashShortWord(key & kSlotBytesMask, key >> 56); }
  static std::string_view slotKeyBytes(uint64_t key, char (&buffer)[16]) {
    std::memcpy(buffer, &key, 8);
    return std::string_view(buffer, size_t(key >> 56));
  }

  size_t indexSlotOf(size_t h) const { return indexSlot(h, shift_); }
  size_t slotOf(size_t h) const { return indexSlot(h, slotShift_); }
  bool entriesMayGrow(size_t n) const { return (packed_.size() + n) * 2 > index_.size(); }
  bool slotsMayGrow(size_t n) const { return (slotOrder_.size() + n) * 4 > slotCount_ * 3; }
  // Makes the index hold at least 2 * keys slots, and the entries room for keys.
  void grow(size_t keys) {
    if (index_.empty()) keys = std::max(keys, std::exchange(reserveHint_, 0));
    size_t cap = index_.empty() ? 16 : index_.size();
    while (keys * 2 > cap) cap *= 2;
    packed_.reserve(cap / 2);
    rebuildIndex(index_, shift_, cap, packed_.size(), [&](size_t p) { return packed_[p].hash; });
  }
  // Makes the slots at most 3/4 full with `keys` keys, moving the keys in first-seen order.
  void growSlots(size_t keys) {
    if (slotCount_ == 0) keys = std::max(keys, std::exchange(reserveHint_, 0));
    size_t cap = slotCount_ == 0 ? 16 : slotCount_;
    while (keys * 4 > cap * 3) cap *= 2;
    // Zeroed pages from calloc: an empty slot is all zero bytes (Slot is implicit-lifetime).
    SlotArray fresh(static_cast<Slot*>(std::calloc(cap, sizeof(Slot))));
    if (!fresh) throw std::bad_alloc();
    slotOrder_.reserve(cap * 3 / 4);  // before the log is rewritten: this may throw
    const int shift = 64 - __builtin_ctzll(cap);
    const size_t mask = cap - 1;
    const Slot* old = slots_.get();
    Slot* to = fresh.get();
    const size_t n = slotOrder_.size(), half = kVisitAhead / 2;
    for (size_t i = 0; i < n; ++i) {
      // Random reads and random writes: fetch the old slot ahead, then (once it has arrived)
      // its new place.
      if (i + kVisitAhead < n) __builtin_prefetch(old + slotOrder_[i + kVisitAhead]);
      if (i + half < n)
        __builtin_prefetch(to + indexSlot(slotHash(old[slotOrder_[i + half]].key), shift), 1);
      const Slot& e = old[slotOrder_[i]];
      size_t t = indexSlot(slotHash(e.key), shift);
      while (to[t].key != 0) t = (t + 1) & mask;
      to[t] = e;
      slotOrder_[i] = uint32_t(t);
    }
    slots_ = std::move(fresh);
    slotCount_ = cap;
    slotShift_ = shift;
  }

  struct FreeSlots {
    void operator()(Slot* p) const { std::free(p); }
  };
  using SlotArray = std::unique_ptr<Slot, FreeSlots>;

  std::vector<PackedEntry> packed_;
  std::vector<uint32_t> index_;
  std::vector<std::string> longKeys_;
  std::vector<Entry> entries_;  // made by entries()
  size_t longKeyBytes_ = 0;
  int shift_ = 64;
  SlotArray slots_;
  size_t slotCount_ = 0;
  int slotShift_ = 64;
  std::vector<uint32_t> slotOrder_;  // the used slots in first-seen order
  size_t reserveHint_ = 0;
};

}  // namespace kiln::detail
