// The word counting table of the word-count baselines (wordcount_mpi, wordcount_seq).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// The same inlined hash and comparison as Kiln's tables, so that the comparison measures the
// framework, not the hash function.
#include "../../core/hash_bytes.hpp"

namespace baseline {

// Open addressing with linear probing, power-of-two capacity, at most half full. Keys live in
// the slots (short words inline in std::string), so a probe that hits compares bytes already in
// cache; views into the input buffer would miss the cache on every comparison.
class WordTable {
 public:
  struct Slot {
    uint64_t hash = 0;
    std::string word;
    long count = 0;
  };
  WordTable() : slots_(1 << 16) {}
  size_t size() const { return used_; }
  // Sizes the table for n keys up front. Needed before merging another table into this one:
  // inserting keys in another table's slot order into a smaller table clusters them badly.
  void reserve(size_t n) {
    while (slots_.size() < 2 * n + 2) grow();
  }
  void add(std::string_view w, long n) {
    uint64_t h = kiln::detail::hashBytes(w.data(), w.size()) | 1;  // 0 marks an empty slot
    size_t mask = slots_.size() - 1;
    for (size_t i = (h * 0x9e3779b97f4a7c15ULL) >> shift_;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == 0) {
        s.hash = h;
        s.word.assign(w);
        s.count = n;
        if (++used_ * 2 > slots_.size()) grow();
        return;
      }
      if (s.hash == h && kiln::detail::bytesEqual(s.word, w)) {
        s.count += n;
        return;
      }
    }
  }
  template <class F>
  void forEach(F&& f) const {
    for (const Slot& s : slots_)
      if (s.hash) f(s.word, s.count);
  }

 private:
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    size_t mask = slots_.size() - 1;
    for (Slot& s : old) {
      if (!s.hash) continue;
      size_t i = (s.hash * 0x9e3779b97f4a7c15ULL) >> shift_;
      while (slots_[i].hash) i = (i + 1) & mask;
      slots_[i] = std::move(s);
    }
  }
  std::vector<Slot> slots_;
  int shift_ = 64 - 16;
  size_t used_ = 0;
};

}  // namespace baseline
