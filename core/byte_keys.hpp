// Keys that are fixed-length byte strings (std::array<unsigned char, N>, e.g. TeraSort's) under
// the default order compare as memcmp does. Their leading bytes read as a big-endian integer
// order the same way, so sorting and range partitioning compare integers and fall back to the
// bytes only when those are equal.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <type_traits>

namespace kiln::detail {

template <class K>
struct IsByteArray : std::false_type {};
template <size_t N>
struct IsByteArray<std::array<unsigned char, N>> : std::true_type {};

template <class K, class Less>
inline constexpr bool kIsByteKey = IsByteArray<K>::value && (std::is_same_v<Less, std::less<>> ||
                                                             std::is_same_v<Less, std::less<K>>);

// The first 8 bytes as a big-endian integer, zero-padded past the end of a shorter key.
template <size_t N>
uint64_t byteKeyHead(const std::array<unsigned char, N>& key) {
  unsigned char head[8] = {};
  std::memcpy(head, key.data(), std::min<size_t>(8, N));
  uint64_t h;
  std::memcpy(&h, head, 8);
  return __builtin_bswap64(h);
}

}  // namespace kiln::detail
