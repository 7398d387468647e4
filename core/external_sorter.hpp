// Sorts a partition's records by key within a memory limit: records collect in a buffer; when it
// outgrows the task's share of the executor's budget it is sorted and written out as a run. At
// the end the runs and the buffer are merged. Stable: equal keys keep their arrival order (runs
// are merged oldest first on ties).
#pragma once

#include <algorithm>
#include <optional>
#include <queue>
#include <span>
#include <vector>

#include "../sched/runtime.hpp"
#include "../sched/task_context.hpp"
#include "../util/release_memory.hpp"
#include "block_sink.hpp"
#include "memory_estimate.hpp"
#include "spill_runs.hpp"

namespace kiln::detail {

template <class K, class V, class Less>
class ExternalSorter {
  using KV = std::pair<K, V>;

 public:
  ExternalSorter(sched::Runtime& rt, bool ascending, const Less& less)
      : ascending_(ascending),
        less_(less),
        limit_(rt.taskMemoryLimit()),
        runs_(rt.scratch(), "sort") {}

  void insertBlock(std::span<KV> block) {
    if (records_.size() + block.size() > records_.capacity()) {
      // Growing briefly holds the old and the new array: spill first if that is too much.
      size_t grown = std::max(2 * records_.capacity(), records_.size() + block.size());
      if (!records_.empty() && (records_.capacity() + grown) * sizeof(KV) + heap_ > limit_) {
        spill();
        grown = block.size() * 2;
      }
      records_.reserve(grown);
    }
    for (KV& kv : block) {
      heap_ += heapBytes(kv);
      records_.push_back(std::move(kv));
    }
    if (records_.capacity() * sizeof(KV) + heap_ > limit_) spill();
  }

  void emitTo(BlockSink<KV>& out) {
    sortBuffer();
    if (runs_.count() == 0) {
      for (size_t i = 0; i < records_.size(); i += kBlockRecords)
        out.push(std::span<KV>(records_.data() + i, std::min(kBlockRecords, records_.size() - i)));
    } else {
      BlockBuilder<KV> builder(out);
      merge(builder);
      builder.flush();
    }
    std::vector<KV>().swap(records_);
  }

 private:
  bool before(const K& a, const K& b) const { return ascending_ ? less_(a, b) : less_(b, a); }
  void sortBuffer() {
    std::stable_sort(records_.begin(), records_.end(),
                     [&](const KV& a, const KV& b) { return before(a.first, b.first); });
  }
  void spill() {
    sortBuffer();
    runs_.writeRun([&](auto&& emit) {
      for (const KV& kv : records_) emit(kv);
    });
    std::vector<KV>().swap(records_);
    heap_ = 0;
    releaseFreedMemory();
  }

  struct Cursor {
    std::optional<RunReader<KV>> run;  // a spilled run, or the buffer (the last cursor)
    size_t next = 0;
    std::optional<KV> head;
  };
  void advance(Cursor& c) {
    if (c.run)
      c.head = c.run->next();
    else if (c.next < records_.size())
      c.head.emplace(std::move(records_[c.next++]));
    else
      c.head.reset();
  }
  void merge(BlockBuilder<KV>& builder) {
    constexpr size_t kWindow = size_t(256) << 10;
    std::vector<Cursor> cursors(runs_.count() + 1);
    for (size_t i = 0; i < runs_.count(); ++i) cursors[i].run.emplace(runs_.reader(i, kWindow));
    // The heap's top is the cursor whose head comes first; on equal keys the older run.
    auto after = [&](size_t a, size_t b) {
      const K& ka = cursors[a].head->first;
      const K& kb = cursors[b].head->first;
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
  size_t limit_;
  std::vector<KV> records_;
  size_t heap_ = 0;
  SpilledRuns<KV> runs_;
};

}  // namespace kiln::detail
