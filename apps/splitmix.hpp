// splitmix64: the 64-bit mix the generators and seeded choices share, the same on every machine
// (so generated data and initial choices do not depend on the platform or the rank count).
#pragma once

#include <cstdint>

namespace kiln_apps {

inline uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A uniform double in (0, 1) from 53 bits of h.
inline double unitInterval(uint64_t h) {
  return (double(h >> 11) + 0.5) / double(uint64_t(1) << 53);
}

}  // namespace kiln_apps
