// Hashing and comparing short byte strings inline. Keys such as words are a few bytes long: a
// call to std::hash (_Hash_bytes) or memcmp costs more than the work, once per record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace kiln::detail {

// 64x64 -> 128-bit product folded to 64 bits: every input bit reaches high and low output
// bits, which both the partition (h % n) and the table slot (top bits) use.
inline uint64_t foldedMultiply(uint64_t a, uint64_t b) {
  const __uint128_t m = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The low n (at most 8) bytes of a word, as a little-endian load would see them.
inline uint64_t lowBytes(uint64_t word, size_t n) { return n ? word & (~0ULL >> (64 - 8 * n)) : 0; }

constexpr uint64_t kHashSeed = 0x9e3779b97f4a7c15ULL, kHashA = 0xbf58476d1ce4e5b9ULL,
                   kHashB = 0x94d049bb133111ebULL;

// The hash of 0 to 8 bytes, given them zero-padded as a little-endian word.
inline size_t hashShortWord(uint64_t word, size_t n) {
  return foldedMultiply(word ^ kHashA, kHashSeed ^ n ^ kHashB);
}

// n (at most 8) bytes as one zero-padded little-endian word, from loads that stay within them.
inline uint64_t paddedWord(const char* p, size_t n) {
  if (n == 8) return load64(p);
  if (n >= 4) return load32(p) | (load32(p + n - 4) << (8 * (n - 4)));
  if (n == 0) return 0;
  return uint64_t(uint8_t(p[0])) | (uint64_t(uint8_t(p[n / 2])) << (8 * (n / 2))) |
         (uint64_t(uint8_t(p[n - 1])) << (8 * (n - 1)));
}

inline size_t hashBytes(const char* p, size_t n) {
  constexpr uint64_t kSeed = kHashSeed, kA = kHashA, kB = kHashB;
  if (n <= 8) return hashShortWord(paddedWord(p, n), n);
  uint64_t state = kSeed ^ n, a = 0, b = 0;
  if (n <= 16) {
    // Two overlapping loads cover every length without a loop.
    a = load64(p);
    b = load64(p + n - 8);
  } else {
    for (; n > 16; p += 16, n -= 16) state = foldedMultiply(load64(p) ^ kA, load64(p + 8) ^ state);
    a = load64(p + n - 16);
    b = load64(p + n - 8);
  }
  return foldedMultiply(a ^ kA, b ^ state ^ kB);
}

inline bool bytesEqual(std::string_view x, std::string_view y) {
  const size_t n = x.size();
  if (n != y.size()) return false;
  const char *p = x.data(), *q = y.data();
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load64(p + i) != load64(q + i)) return false;
    return load64(p + n - 8) == load64(q + n - 8);
  }
  if (n >= 4) return load32(p) == load32(q) && load32(p + n - 4) == load32(q + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

}  // namespace kiln::detail
