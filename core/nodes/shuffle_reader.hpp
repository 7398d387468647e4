// Reads the records of one reduce partition of a shuffle from this executor's store, a block
// at a time, in map-partition order.
#pragma once

#include <vector>

#include "../../sched/runtime.hpp"
#include "../../sched/task_context.hpp"
#include "../block_sink.hpp"
#include "../serialization/codec.hpp"

namespace kiln::detail {

// Calls onBlock(std::span<R>) with the decoded records; the callee may move from them.
template <class R, class OnBlock>
void readShuffleBlocks(sched::Runtime& rt, int shuffle, int partition, OnBlock&& onBlock) {
  std::vector<R> block;
  block.reserve(kBlockRecords);
  for (const auto& seg : rt.shuffleStore().segments(shuffle, partition)) {
    TaskContext::checkCancelled();
    ByteReader in(seg.bytes);
    while (!in.atEnd()) {
      block.push_back(decode<R>(in));
      if (block.size() == kBlockRecords) {
        onBlock(std::span<R>(block));
        block.clear();
      }
    }
  }
  if (!block.empty()) onBlock(std::span<R>(block));
}

}  // namespace kiln::detail
