// Key hashing for partitioning and aggregation: std::hash, extended to pairs and tuples.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "hash_bytes.hpp"

namespace kiln {

template <class T>
struct Hash {
  static_assert(
      requires(const T& t) { std::hash<T>{}(t); },
      "kiln: this key type has no hash. Use a key with std::hash (numbers, strings, ...), "
      "a pair or tuple of those, or specialize std::hash<YourKey>.");
  size_t operator()(const T& v) const { return std::hash<T>{}(v); }
};

// Strings hash by their bytes, inlined (std::hash<std::string> is an out-of-line call).
template <>
struct Hash<std::string_view> {
  size_t operator()(std::string_view s) const { return detail::hashBytes(s.data(), s.size()); }
};
template <>
struct Hash<std::string> {
  size_t operator()(const std::string& s) const {
    // A std::string's buffer holds capacity() + 1 bytes, so a word of up to 8 bytes loads at
    // once, without branching on the length (words' lengths vary unpredictably).
    if (s.size() <= 8 && s.capacity() >= 7)
      return detail::hashShortWord(detail::lowBytes(detail::load64(s.data()), s.size()), s.size());
    return detail::hashBytes(s.data(), s.size());
  }
};

// Key equality in the hash tables: strings compared inline, everything else by ==.
template <class A, class B>
inline bool keysEqual(const A& a, const B& b) {
  if constexpr (std::is_same_v<A, std::string> && std::is_same_v<B, std::string>) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    if (n <= 8 && a.capacity() >= 7 && b.capacity() >= 7)  // as in Hash<std::string>
      return detail::lowBytes(detail::load64(a.data()) ^ detail::load64(b.data()), n) == 0;
    return detail::bytesEqual(a, b);
  } else if constexpr (std::is_convertible_v<const A&, std::string_view> &&
                       std::is_convertible_v<const B&, std::string_view>) {
    return detail::bytesEqual(a, b);
  } else {
    return a == b;
  }
}

namespace detail {
inline size_t combineHash(size_t seed, size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
}  // namespace detail

template <class A, class B>
struct Hash<std::pair<A, B>> {
  size_t operator()(const std::pair<A, B>& p) const {
    return detail::combineHash(Hash<A>{}(p.first), Hash<B>{}(p.second));
  }
};

// Fixed-size arrays (e.g. a 10-byte sort key): bytes are hashed at once, other elements combined.
template <class T, size_t N>
struct Hash<std::array<T, N>> {
  size_t operator()(const std::array<T, N>& a) const {
    if constexpr (sizeof(T) == 1 && std::is_integral_v<T>) {
      return detail::hashBytes(reinterpret_cast<const char*>(a.data()), N);
    } else {
      size_t h = 0;
      for (const T& x : a) h = detail::combineHash(h, Hash<T>{}(x));
      return h;
    }
  }
};

template <class... Ts>
struct Hash<std::tuple<Ts...>> {
  size_t operator()(const std::tuple<Ts...>& t) const {
    size_t h = 0;
    std::apply(
        [&](const auto&... x) {
          ((h = detail::combineHash(h, Hash<std::decay_t<decltype(x)>>{}(x))), ...);
        },
        t);
    return h;
  }
};

// The partition of a key with hash h among n partitions. Loops over many keys compute the same
// with a FastModulo made once (fast_modulo.hpp).
inline int hashPartition(size_t h, int n) { return int(h % size_t(n)); }

}  // namespace kiln
