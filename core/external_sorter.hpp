// Sorts a partition's records by key within a memory limit: records collect in a buffer; when it
// outgrows the task's share of the executor's budget it is sorted and written out as a run. At
// the end the runs and the buffer are merged. Stable: equal keys keep their arrival order (runs
// are merged oldest first on ties). A record's key is keyOf(record): a pair's first member
// (sortByKey), or the user's key function (sortBy on large records, which sorts the records
// themselves instead of keyed copies of them).
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <queue>
#include <span>
#include <type_traits>
#include <vector>

#include "../sched/runtime.hpp"
#include "../sched/task_context.hpp"
#include "../util/release_memory.hpp"
#include "block_sink.hpp"
#include "byte_keys.hpp"
#include "memory_estimate.hpp"
#include "spill_runs.hpp"

namespace kiln::detail {

// The key of a pair record.
struct FirstOf {
  template <class K, class V>
  const K& operator()(const std::pair<K, V>& kv) const {
    return kv.first;
  }
};

// Whether records of type R are plain bytes: trivially copyable, or a pair of such (std::pair's
// assignment operators are not trivial, but its members are what is copied).
template <class R>
inline constexpr bool kPlainBytes = std::is_trivially_copyable_v<R>;
template <class A, class B>
inline constexpr bool kPlainBytes<std::pair<A, B>> = (std::is_trivially_copyable_v<A> &&
                                                      std::is_trivially_copyable_v<B>);

template <class R, class KeyOf, class Less>
class ExternalSorter {
  using K = std::decay_t<std::invoke_result_t<const KeyOf&, const R&>>;

 public:
  // Large records with small keys (TeraSort: 10-byte keys, 100-byte records) sort as (key,
  // position) tags, then move once into place: a merge sort would move every record about
  // log2(n) times.
  static constexpr bool kSortTags =
      kPlainBytes<R> && std::is_trivially_copyable_v<K> && sizeof(K) <= 32 && sizeof(R) >= 64;

  ExternalSorter(sched::Runtime& rt, bool ascending, const Less& less, KeyOf keyOf = KeyOf())
      : ascending_(ascending),
        less_(less),
        keyOf_(std::move(keyOf)),
        limit_(rt.taskMemoryLimit()),
        runs_(rt.scratch(), "sort") {}

  // Sizes the buffer for `records` up front when they fit the memory limit (else it grows and
  // spills as usual).
  void expect(size_t records) {
    if (records_.empty() && records * sizeof(R) + heap_ <= limit_) records_.reserve(records);
  }

  void insertBlock(std::span<R> block) {
    if (records_.size() + block.size() > records_.capacity()) {
      // Growing briefly holds the old and the new array: spill first if that is too much.
      size_t grown = std::max(2 * records_.capacity(), records_.size() + block.size());
      if (!records_.empty() && (records_.capacity() + grown) * sizeof(R) + heap_ > limit_) {
        spill();
        grown = block.size() * 2;
      }
      records_.reserve(grown);
    }
    for (R& r : block) {
      heap_ += heapBytes(r);
      records_.push_back(std::move(r));
    }
    if (records_.capacity() * sizeof(R) + heap_ > limit_) spill();
  }

  void emitTo(BlockSink<R>& out) {
    if constexpr (kSortTags) {
      if (runs_.count() == 0 && tagsFit()) {
        // Gathered into blocks in the tags' order, not into a second whole-partition array:
        // half the memory, and no fresh pages to fault in.
        emitInOrder(sortedPositions(), out);
        std::vector<R>().swap(records_);
        return;
      }
    }
    sortBuffer();
    if (runs_.count() == 0) {
      for (size_t i = 0; i < records_.size(); i += kBlockRecords)
        out.push(std::span<R>(records_.data() + i, std::min(kBlockRecords, records_.size() - i)));
    } else {
      BlockBuilder<R> builder(out);
      merge(builder);
      builder.flush();
    }
    std::vector<R>().swap(records_);
  }

 private:
  bool before(const K& a, const K& b) const { return ascending_ ? less_(a, b) : less_(b, a); }
  decltype(auto) keyOf(const R& r) const { return keyOf_(r); }
  static constexpr bool kByteKeys = kIsByteKey<K, Less>;
  // Whether the buffer is worth tags and their positions fit 32 bits.
  bool tagsFit() const { return records_.size() > 1 && records_.size() < UINT32_MAX; }
  void sortBuffer() {
    if constexpr (kSortTags) {
      if (tagsFit()) {
        std::vector<R> sorted;
        sorted.reserve(records_.size());
        gatherInOrder(sortedPositions(), [&](const R& r) { sorted.push_back(r); });
        records_.swap(sorted);
        return;
      }
    }
    std::stable_sort(records_.begin(), records_.end(),
                     [&](const R& a, const R& b) { return before(keyOf(a), keyOf(b)); });
  }
  // The buffer's positions in sorted (stable) order.
  std::vector<uint32_t> sortedPositions() const {
    if constexpr (kByteKeys) {
      return sortByByteTags();
    } else {
      std::vector<std::pair<K, uint32_t>> tags(records_.size());
      for (size_t i = 0; i < records_.size(); ++i) tags[i] = {keyOf(records_[i]), uint32_t(i)};
      // The position breaks ties, so the result is the stable order.
      std::sort(tags.begin(), tags.end(), [&](const auto& a, const auto& b) {
        if (before(a.first, b.first)) return true;
        if (before(b.first, a.first)) return false;
        return a.second < b.second;
      });
      std::vector<uint32_t> order(tags.size());
      for (size_t i = 0; i < tags.size(); ++i) order[i] = tags[i].second;
      return order;
    }
  }
  // Calls f with each record in `order`. The reads land all over the buffer: each is asked for
  // a few records ahead, so the misses overlap instead of coming one at a time.
  template <class F>
  void gatherInOrder(const std::vector<uint32_t>& order, F&& f) const {
    constexpr size_t kAhead = 8;
    const size_t n = order.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const char* ahead = reinterpret_cast<const char*>(&records_[order[i + kAhead]]);
        for (size_t line = 0; line < sizeof(R); line += 64) __builtin_prefetch(ahead + line);
      }
      f(records_[order[i]]);
    }
  }
  void emitInOrder(const std::vector<uint32_t>& order, BlockSink<R>& out) {
    BlockBuilder<R> builder(out);
    size_t sinceCheck = 0;
    gatherInOrder(order, [&](const R& r) {
      if (++sinceCheck == kBlockRecords) {
        TaskContext::checkCancelled();
        sinceCheck = 0;
      }
      builder.add(r);
    });
    builder.flush();
  }

  // Byte-string keys: the first 12 bytes as big-endian integers (inverted when descending), so
  // nearly every comparison is one or two integer compares, and the position.
  struct ByteTag {
    uint64_t hi;
    uint32_t mid;
    uint32_t position;
  };
  ByteTag byteTagOf(const K& key, uint32_t position) const {
    uint64_t hi = byteKeyHead(key);
    uint32_t mid = byteKeyWord<uint32_t>(key, 8);
    if (!ascending_) hi = ~hi, mid = ~mid;
    return {hi, mid, position};
  }
  bool tagBefore(const ByteTag& a, const ByteTag& b) const {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.mid != b.mid) return a.mid < b.mid;
    if constexpr (sizeof(K) > 12) {  // equal heads: the rest of the keys decide
      const K &x = keyOf(records_[a.position]), &y = keyOf(records_[b.position]);
      const int c = std::memcmp(x.data() + 12, y.data() + 12, x.size() - 12);
      if (c != 0) return ascending_ ? c < 0 : c > 0;
    }
    return a.position < b.position;  // the stable order
  }
  // One counting pass on the leading bits that vary among this buffer's keys puts the tags in
  // up to 65536 buckets (a range partition's keys share their top bits, so those are skipped);
  // then each bucket, small and in cache, is sorted.
  std::vector<uint32_t> sortByByteTags() const {
    const size_t n = records_.size();
    std::vector<ByteTag> tags(n);
    for (size_t i = 0; i < n; ++i) tags[i] = byteTagOf(keyOf(records_[i]), uint32_t(i));
    auto less = [this](const ByteTag& a, const ByteTag& b) { return tagBefore(a, b); };
    constexpr size_t kBuckets = size_t(1) << 16;
    if (n < 4 * kBuckets) {
      std::sort(tags.begin(), tags.end(), less);
    } else {
      uint64_t low = UINT64_MAX, high = 0;
      for (const ByteTag& t : tags) low = std::min(low, t.hi), high = std::max(high, t.hi);
      int shift = 0;
      while (((high - low) >> shift) >= kBuckets) ++shift;
      std::vector<size_t> start(kBuckets + 1, 0);
      for (const ByteTag& t : tags) ++start[((t.hi - low) >> shift) + 1];
      for (size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
      std::vector<ByteTag> bucketed(n);
      std::vector<size_t> next(start.begin(), start.end() - 1);
      for (const ByteTag& t : tags) bucketed[next[(t.hi - low) >> shift]++] = t;
      for (size_t b = 0; b < kBuckets; ++b)
        if (start[b + 1] - start[b] > 1)
          std::sort(bucketed.begin() + ptrdiff_t(start[b]),
                    bucketed.begin() + ptrdiff_t(start[b + 1]), less);
      tags.swap(bucketed);
    }
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = tags[i].position;
    return order;
  }
  void spill() {
    sortBuffer();
    runs_.writeRun([&](auto&& emit) {
      for (const R& r : records_) emit(r);
    });
    std::vector<R>().swap(records_);
    heap_ = 0;
    releaseFreedMemory();
  }

  struct Cursor {
    std::optional<RunReader<R>> run;  // a spilled run, or the buffer (the last cursor)
    size_t next = 0;
    std::optional<R> head;
  };
  void advance(Cursor& c) {
    if (c.run)
      c.head = c.run->next();
    else if (c.next < records_.size())
      c.head.emplace(std::move(records_[c.next++]));
    else
      c.head.reset();
  }
  void merge(BlockBuilder<R>& builder) {
    constexpr size_t kWindow = size_t(256) << 10;
    std::vector<Cursor> cursors(runs_.count() + 1);
    for (size_t i = 0; i < runs_.count(); ++i) cursors[i].run.emplace(runs_.reader(i, kWindow));
    // The heap's top is the cursor whose head comes first; on equal keys the older run.
    auto after = [&](size_t a, size_t b) {
      const K& ka = keyOf(*cursors[a].head);
      const K& kb = keyOf(*cursors[b].head);
      if (before(kb, ka)) return true;
      if (before(ka, kb)) return false;
      return a > b;
    };
    std::priority_queue<size_t, std::vector<size_t>, decltype(after)> heap(after);
    for (size_t i = 0; i < cursors.size(); ++i) {
      advance(cursors[i]);
      if (cursors[i].head) heap.push(i);
    }
    size_t sinceCheck = 0;
    while (!heap.empty()) {
      if (++sinceCheck == kBlockRecords) {
        TaskContext::checkCancelled();
        sinceCheck = 0;
      }
      size_t i = heap.top();
      heap.pop();
      builder.add(std::move(*cursors[i].head));
      advance(cursors[i]);
      if (cursors[i].head) heap.push(i);
    }
  }

  bool ascending_;
  const Less& less_;
  KeyOf keyOf_;
  size_t limit_;
  std::vector<R> records_;
  size_t heap_ = 0;
  SpilledRuns<R> runs_;
};

}  // namespace kiln::detail
