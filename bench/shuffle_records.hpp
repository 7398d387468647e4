// The records of the shuffle microbenchmark, shared by bench/shuffle_micro.cpp (Kiln) and
// bench/baselines/alltoallv_raw.cpp (raw MPI): the same generator and checksum on both sides.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "../apps/splitmix.hpp"

namespace shuffle_records {

constexpr size_t kPayload = 92;
constexpr size_t kRecord = 8 + kPayload;  // key, then payload: no padding

using kiln_apps::mix;

// Record i: a pseudo-random key, and a payload of words derived from it.
inline void makeRecord(uint64_t i, uint64_t& key, char* payload) {
  key = mix(i);
  for (size_t off = 0; off < kPayload; off += 8) {
    uint64_t w = mix(key + off);
    std::memcpy(payload + off, &w, std::min<size_t>(8, kPayload - off));
  }
}

// What the checksum adds for one record: its key and a word from each end of its payload.
inline uint64_t recordSum(uint64_t key, const char* payload) {
  uint64_t a, b;
  std::memcpy(&a, payload, 8);
  std::memcpy(&b, payload + kPayload - 8, 8);
  return mix(key ^ a) + b;
}

}  // namespace shuffle_records
