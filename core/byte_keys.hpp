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

// The key's bytes from `offset` on, as many as fit a Word, read as a big-endian integer and
// zero-padded past the end of the key.
template <class Word, size_t N>
Word byteKeyWord(const std::array<unsigned char, N>& key, size_t offset) {
  unsigned char bytes[sizeof(Word)] = {};
  if (offset < N) std::memcpy(bytes, key.data() + offset, std::min(sizeof(Word), N - offset));
  static_assert(sizeof(Word) == 4 || sizeof(Word) == 8);
  Word w;
  std::memcpy(&w, bytes, sizeof w);
  if constexpr (sizeof(Word) == 8)
    return __builtin_bswap64(w);
  else
    return __builtin_bswap32(w);
}
// The first 8 bytes.
template <size_t N>
uint64_t byteKeyHead(const std::array<unsigned char, N>& key) {
  return byteKeyWord<uint64_t>(key, 0);
}

}  // namespace kiln::detail
