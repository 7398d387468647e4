// Reads the records of one reduce partition of a shuffle from this executor's store, a block
// at a time, in map-partition order: from memory in place, from scratch files through a window.
#pragma once

#include <vector>

#include "../../sched/runtime.hpp"
#include "../../sched/task_context.hpp"
#include "../block_sink.hpp"
#include "../serialization/codec.hpp"
#include "../spill_runs.hpp"

namespace kiln::detail {

// Calls onBlock(std::span<R>) with the decoded records; the callee may move from them.
template <class R, class OnBlock>
void readShuffleBlocks(sched::Runtime& rt, int shuffle, int partition, OnBlock&& onBlock) {
  constexpr size_t kWindow = size_t(1) << 20;
  std::vector<R> block;
  block.reserve(kBlockRecords);
  auto add = [&](R&& r) {
    block.push_back(std::move(r));
    if (block.size() == kBlockRecords) {
      onBlock(std::span<R>(block));
      block.clear();
    }
  };
  for (const auto& seg : rt.shuffleStore().segments(shuffle, partition)) {
    TaskContext::checkCancelled();
    for (const auto& extent : seg.extents) {
      if (extent.memory) {
        ByteReader in({extent.memory, size_t(extent.length)});
        while (!in.atEnd()) add(decode<R>(in));
      } else {
        RunReader<R> in(*extent.file, extent.offset, extent.length,
                        size_t(std::min<uint64_t>(kWindow, extent.length)));
        while (auto r = in.next()) add(std::move(*r));
      }
    }
  }
  if (!block.empty()) onBlock(std::span<R>(block));
}

}  // namespace kiln::detail
