// Where shuffle bytes are: a range in memory or a range of a scratch file. Every extent holds
// whole records, so readers decode each on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../io/scratch_file.hpp"

namespace kiln::sched {

struct ShuffleExtent {
  const std::byte* memory = nullptr;      // in memory, or else
  const io::ScratchFile* file = nullptr;  // in this file, from offset
  uint64_t offset = 0;
  uint64_t length = 0;
};

// The bytes of one reduce partition that came from one map partition, in order.
struct ShuffleSegment {
  int mapPartition = 0;
  std::vector<ShuffleExtent> extents;
  uint64_t bytes() const {
    uint64_t n = 0;
    for (const auto& e : extents) n += e.length;
    return n;
  }
};

}  // namespace kiln::sched
