// The sort tag of a TeraSort record, shared by the two TeraSort baselines: the 10-byte key as a
// big-endian 64-bit word and a 16-bit rest (so tags compare as the key bytes do), and the
// record's position, which keeps equal keys in input order.
#pragma once

#include <cstdint>
#include <cstring>

namespace baseline {

struct TeraTag {
  uint64_t hi;  // key bytes 0-7, big-endian
  uint32_t lo;  // key bytes 8-9
  uint32_t idx;
  bool operator<(const TeraTag& o) const {
    return hi != o.hi ? hi < o.hi : lo != o.lo ? lo < o.lo : idx < o.idx;
  }
};

inline TeraTag teraTagOf(const char* record, uint32_t idx) {
  uint64_t hi;
  std::memcpy(&hi, record, 8);
  const auto* b = reinterpret_cast<const unsigned char*>(record);
  return TeraTag{__builtin_bswap64(hi), uint32_t(b[8]) << 8 | b[9], idx};
}

}  // namespace baseline
