// TeraSort's record: 100 bytes, a 10-byte key compared as unsigned bytes and a 90-byte value
// (gensort's layout). Shared by teragen, terasort and teravalidate.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "splitmix.hpp"

namespace terasort {

struct Record {
  std::array<uint8_t, 10> key;
  std::array<uint8_t, 90> value;
};
static_assert(sizeof(Record) == 100, "a TeraSort record is exactly 100 bytes");

using kiln_apps::mix;

// Row `row` of a data set with `seed`: a random key; the value holds the row number in hex (so a
// record is unique and can be traced) and filler derived from it, as gensort does.
inline Record makeRecord(uint64_t seed, uint64_t row) {
  Record r;
  uint64_t a = mix(seed ^ mix(row)), b = mix(a);
  std::memcpy(r.key.data(), &a, 8);
  std::memcpy(r.key.data() + 8, &b, 2);
  static const char hex[] = "0123456789ABCDEF";
  for (int i = 0; i < 16; ++i) r.value[size_t(i)] = uint8_t(hex[(row >> (60 - 4 * i)) & 15]);
  for (size_t i = 16; i < r.value.size(); ++i) r.value[i] = uint8_t('A' + (row + i) % 26);
  return r;
}

// An order-independent checksum of a set of records: the sum of a hash of each.
inline uint64_t recordHash(const Record& r) {
  uint64_t h = 0;
  for (size_t i = 0; i < sizeof(Record); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, reinterpret_cast<const char*>(&r) + i, std::min<size_t>(8, sizeof(Record) - i));
    h = mix(h ^ w);
  }
  return h;
}

}  // namespace terasort
