// Reads the records of one reduce partition of a shuffle from this executor's store, a block
// at a time, in map-partition order: from memory in place, from scratch files through a window.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "../../sched/runtime.hpp"
#include "../../sched/task_context.hpp"
#include "../block_sink.hpp"
#include "../serialization/codec.hpp"
#include "../spill_runs.hpp"

namespace kiln::detail {

// How many records of R a reduce partition's shuffle segments hold, when R has a fixed size on
// the wire; 0 (unknown) otherwise. For BlockSink::expect.
template <class R>
size_t shuffleRecordCount(sched::Runtime& rt, int shuffle, int partition) {
  constexpr size_t kWire = kFixedWireBytes<R>;
  if constexpr (kWire == 0) {
    return 0;
  } else {
    return size_t(rt.shuffleStore().partitionBytes(shuffle, partition) / kWire);
  }
}

// Calls onBlock(std::span<R>) with the decoded records; the callee may move from them.
template <class R, class OnBlock>
void readShuffleBlocks(sched::Runtime& rt, int shuffle, int partition, OnBlock&& onBlock) {
  constexpr size_t kWindow = size_t(1) << 20;
  constexpr size_t kWire = kFixedWireBytes<R>;  // 0: records of varying size
  auto sink = makeSink<R>([&](std::span<R> block) { onBlock(block); });
  BlockBuilder<R> block(sink);
  for (const auto& seg : rt.shuffleStore().segments(shuffle, partition)) {
    TaskContext::checkCancelled();
    for (const auto& extent : seg.extents) {
      if (extent.memory) {
        if constexpr (kWire != 0) {  // plain values and pairs of them: plain bytes in memory
          // Fields are written straight into the block's slots: decoding each record into a
          // temporary first costs about a third of a shuffle of 100-byte records.
          if (extent.length % kWire != 0)
            throw Error("corrupt data: a shuffle segment of " + std::to_string(extent.length) +
                        " bytes is not a whole number of " + std::to_string(kWire) +
                        "-byte records");
          for (const std::byte *p = extent.memory, *end = p + extent.length; p != end; p += kWire)
            block.addWritten([p](R* slot) { readFixedInto(*slot, p); });
        } else {
          ByteReader in({extent.memory, size_t(extent.length)});
          while (!in.atEnd()) block.addFrom([&] { return decode<R>(in); });
        }
      } else {
        RunReader<R> in(*extent.file, extent.offset, extent.length,
                        size_t(std::min<uint64_t>(kWindow, extent.length)));
        while (auto r = in.next()) block.add(std::move(*r));
      }
    }
  }
  block.flush();
}

}  // namespace kiln::detail
