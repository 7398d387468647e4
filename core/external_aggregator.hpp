// By-key aggregation within a memory limit (Spark's ExternalAppendOnlyMap): records combine in a
// hash table; when the table outgrows the task's share of the executor's budget it is written
// out as a run sorted by key hash, and emptied. At the end the runs and the table are merged by
// hash, equal keys combined with mergeCombiners, oldest run first (so a group keeps its values
// in arrival order). Without a spill the output is the table in its entries' order, as before.
#pragma once

#include <algorithm>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "../sched/runtime.hpp"
#include "../sched/task_context.hpp"
#include "../util/release_memory.hpp"
#include "block_sink.hpp"
#include "combine_table.hpp"
#include "spill_runs.hpp"

namespace kiln::detail {

template <class K, class C, class MergeCombiners>
class ExternalAggregator {
  using KC = std::pair<K, C>;

 public:
  ExternalAggregator(sched::Runtime& rt, const MergeCombiners& mergeCombiners)
      : mergeCombiners_(mergeCombiners),
        limit_(rt.taskMemoryLimit()),
        runs_(rt.scratch(), "aggregate") {}

  template <class X, class Create, class Merge>
  void insertBlock(std::span<std::pair<K, X>> block, Create&& create, Merge&& merge) {
    if (table_.growthMayExceed(block.size(), limit_)) spill();
    table_.upsertBlock(block, create, merge);
    if (table_.estimatedBytes() > limit_) spill();
  }

  void emitTo(BlockSink<KC>& out) {
    BlockBuilder<KC> builder(out);
    auto& entries = table_.entries();
    if (runs_.count() == 0) {
      for (auto& e : entries) builder.add(std::move(e.kv));
    } else {
      sortByHash();
      mergeRuns(builder);
    }
    builder.flush();
    table_.clear();
  }

 private:
  // One sorted input of the merge: a spilled run, or the table in memory (the last one).
  struct Cursor {
    std::optional<RunReader<KC>> run;
    size_t next = 0;  // in the table
    std::optional<KC> head;
    size_t hash = 0;
  };

  void sortByHash() {
    auto& entries = table_.entries();
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.hash < b.hash; });
  }
  void spill() {
    sortByHash();
    runs_.writeRun([&](auto&& emit) {
      for (const auto& e : table_.entries()) emit(e.kv);
    });
    table_.clear();
    releaseFreedMemory();
  }
  void advance(Cursor& c) {
    auto& entries = table_.entries();
    if (c.run) {
      c.head = c.run->next();
      if (c.head) c.hash = Hash<K>{}(c.head->first);
    } else if (c.next < entries.size()) {
      c.hash = entries[c.next].hash;
      c.head.emplace(std::move(entries[c.next++].kv));
    } else {
      c.head.reset();
    }
  }

  void mergeRuns(BlockBuilder<KC>& builder) {
    constexpr size_t kWindow = size_t(256) << 10;
    std::vector<Cursor> cursors(runs_.count() + 1);
    for (size_t i = 0; i < runs_.count(); ++i) cursors[i].run.emplace(runs_.reader(i, kWindow));
    using Item = std::pair<size_t, size_t>;  // (hash, cursor): smallest first
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (size_t i = 0; i < cursors.size(); ++i) {
      advance(cursors[i]);
      if (cursors[i].head) heap.emplace(cursors[i].hash, i);
    }
    std::vector<size_t> sameHash;
    std::vector<KC> group;  // the distinct keys that share one hash
    while (!heap.empty()) {
      TaskContext::checkCancelled();
      const size_t h = heap.top().first;
      sameHash.clear();
      while (!heap.empty() && heap.top().first == h) {
        sameHash.push_back(heap.top().second);
        heap.pop();
      }
      std::sort(sameHash.begin(), sameHash.end());  // oldest run first
      for (size_t i : sameHash) {
        Cursor& c = cursors[i];
        while (c.head && c.hash == h) {
          KC rec = std::move(*c.head);
          advance(c);
          auto same = std::find_if(group.begin(), group.end(),
                                   [&](const KC& g) { return g.first == rec.first; });
          if (same == group.end())
            group.push_back(std::move(rec));
          else
            same->second = C(mergeCombiners_(std::move(same->second), std::move(rec.second)));
        }
        if (c.head) heap.emplace(c.hash, i);
      }
      for (KC& kc : group) builder.add(std::move(kc));
      group.clear();
    }
  }

  const MergeCombiners& mergeCombiners_;
  size_t limit_;
  CombineTable<K, C> table_;
  SpilledRuns<KC> runs_;
};

}  // namespace kiln::detail
