// The word counting table of the word-count baselines (wordcount_mpi, wordcount_seq).
#pragma once

#include <cassert>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

// Kiln's own combining table (packed keys, short words in their probed slots, lookups a block
// at a time with prefetching), so that the comparison measures the framework, not the table:
// a hand-written program would count with the best table at hand.
#include "../../core/packed_string_table.hpp"

namespace baseline {

class WordTable {
 public:
  // Sizes the table for about n keys up front.
  void reserve(size_t n) { table_.reserve(n); }
  // Counts n more of w. Words are looked up a block at a time, so w must stay readable until
  // the block is full or flush() is called.
  void add(std::string_view w, long n) {
    pending_.emplace_back(w, n);
    if (pending_.size() == kBlock) flush();
  }
  void flush() {
    if (pending_.empty()) return;
    table_.upsertBlock(
        std::span(pending_), [](long c) { return c; }, [](long a, long b) { return a + b; });
    pending_.clear();
  }
  // After flush().
  size_t size() const { return table_.size(); }
  // f(word, count) for every word, in the table's order. After flush(); the word is valid only
  // during the call.
  template <class F>
  void forEach(F&& f) const {
    assert(pending_.empty() && "flush() before reading the table");
    table_.forEachPacked([&](size_t, std::string_view w, long c) { f(w, c); });
  }

 private:
  static constexpr size_t kBlock = 512;
  kiln::detail::PackedStringTable<long> table_;
  std::vector<std::pair<std::string_view, long>> pending_;
};

}  // namespace baseline
