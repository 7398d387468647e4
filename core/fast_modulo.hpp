// h % n for a divisor known in advance, by multiplications instead of a 64-bit division. The
// division costs tens of cycles; routing a 100-byte record to its bucket spent a third of its
// time waiting on it. With c = ceil(2^128 / n), h % n = ((c * h mod 2^128) * n) >> 128 for every
// 64-bit h and 32-bit n (Lemire, Kaser and Kurz, "Faster remainder by direct computation",
// 2019): the same answer as %, so partitions do not move.
#pragma once

#include <cstdint>

namespace kiln::detail {

class FastModulo {
 public:
  // n = 1 makes c = 2^128, which wraps to 0: every remainder is 0, as it should be.
  explicit FastModulo(uint32_t n) : n_(n), c_(~static_cast<unsigned __int128>(0) / n + 1) {}
  uint32_t operator()(uint64_t h) const {
    const unsigned __int128 low = c_ * h;  // the fraction h / n, 128 bits of it
    // (low * n) >> 128 from low's two halves, so no product needs more than 128 bits.
    const unsigned __int128 lowHalf = static_cast<unsigned __int128>(uint64_t(low)) * n_;
    const unsigned __int128 highHalf = static_cast<unsigned __int128>(uint64_t(low >> 64)) * n_;
    return uint32_t((highHalf + (lowHalf >> 64)) >> 64);
  }
  uint32_t divisor() const { return n_; }

 private:
  uint32_t n_;
  unsigned __int128 c_;
};

}  // namespace kiln::detail
