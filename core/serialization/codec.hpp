// How records become bytes: raw bytes for trivially copyable types, a compact built-in format
// for standard containers, Boost.Serialization for user types with a `serialize` member.
#pragma once

#include <array>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../../util/byte_buffer.hpp"
#include "boost_codec.hpp"

namespace kiln {
namespace detail {

template <class T>
struct SerialTraits {
  static constexpr bool value =
      HasBoostSerialize<T> ||
      (std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_member_pointer_v<T>);
};
// Trivially copyable, but they point at memory the receiver does not have: never sent.
template <class C, class Tr>
struct SerialTraits<std::basic_string_view<C, Tr>> : std::false_type {};
template <class T, size_t E>
struct SerialTraits<std::span<T, E>> : std::false_type {};
template <class T>
struct SerialTraits<std::reference_wrapper<T>> : std::false_type {};
template <class A>
struct SerialTraits<std::vector<bool, A>> : std::false_type {};  // bit-packed, no data()
template <class C, class Tr, class A>
struct SerialTraits<std::basic_string<C, Tr, A>>
    : std::bool_constant<std::is_trivially_copyable_v<C>> {};
template <class A, class B>
struct SerialTraits<std::pair<A, B>>
    : std::bool_constant<SerialTraits<std::remove_const_t<A>>::value && SerialTraits<B>::value> {};
template <class... Ts>
struct SerialTraits<std::tuple<Ts...>> : std::bool_constant<(SerialTraits<Ts>::value && ...)> {};
template <class T, class A>
struct SerialTraits<std::vector<T, A>> : SerialTraits<T> {};
template <class T, size_t N>
struct SerialTraits<std::array<T, N>> : SerialTraits<T> {};
template <class T>
struct SerialTraits<std::optional<T>> : SerialTraits<T> {};
template <class K, class V, class C, class A>
struct SerialTraits<std::map<K, V, C, A>>
    : std::bool_constant<SerialTraits<K>::value && SerialTraits<V>::value> {};
template <class K, class V, class H, class E, class A>
struct SerialTraits<std::unordered_map<K, V, H, E, A>>
    : std::bool_constant<SerialTraits<K>::value && SerialTraits<V>::value> {};

template <class T>
struct IsStdPair : std::false_type {};
template <class A, class B>
struct IsStdPair<std::pair<A, B>> : std::true_type {};

template <class T>
inline constexpr bool kMemcpyable =
    std::is_trivially_copyable_v<T> && !IsStdPair<T>::value && SerialTraits<T>::value;

}  // namespace detail

// True when Kiln can move T between ranks.
template <class T>
concept Serializable = detail::SerialTraits<std::remove_cv_t<T>>::value;

#define KILN_SERIALIZABLE_MESSAGE                                                         \
  "kiln: this element type cannot be sent between ranks. Use a trivially copyable type "  \
  "(no pointers), std::string, or std::pair / tuple / vector / array / optional / map / " \
  "unordered_map of serializable types; for any other class add a Boost.Serialization "   \
  "member: template <class Archive> void serialize(Archive& ar, unsigned) { ar & field1 " \
  "& field2; }"

template <class T>
void encode(ByteBuffer& out, const T& v);
template <class T>
T decode(ByteReader& in);

namespace detail {

// Reads a trivially copyable value, also one without a default constructor.
template <class T>
T readRaw(ByteReader& in) {
  alignas(T) std::byte raw[sizeof(T)];
  in.read(raw, sizeof(T));
  return *std::launder(reinterpret_cast<T*>(raw));
}

// The bytes every encoded T takes when that is fixed (memcpyable types and pairs of them, whose
// two fields are encoded back to back, without the pair's padding), else 0: a run of such
// records can be read with one bounds check, not one per field.
// Only assignable types: the record is overwritten in place (not a const field among them).
template <class T>
struct FixedWire
    : std::integral_constant<size_t,
                             kMemcpyable<T> && std::is_copy_assignable_v<T> ? sizeof(T) : 0> {};
template <class A, class B>
struct FixedWire<std::pair<A, B>> {
  static constexpr size_t first = FixedWire<A>::value;
  static constexpr size_t second = FixedWire<B>::value;
  static constexpr size_t value = (first > 0 && second > 0) ? first + second : 0;
};
template <class T>
inline constexpr size_t kFixedWireBytes = FixedWire<T>::value;

// Overwrites t with the record encoded at p, of kFixedWireBytes<T> bytes the caller checked are
// there: straight into t's fields, no temporary.
template <class T>
void readFixedInto(T& t, const std::byte* p) {
  if constexpr (IsStdPair<T>::value) {
    readFixedInto(t.first, p);
    readFixedInto(t.second, p + kFixedWireBytes<typename T::first_type>);
  } else {
    std::memcpy(static_cast<void*>(&t), p, sizeof(T));
  }
}

template <class T>
struct Codec {
  static void put(ByteBuffer& out, const T& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      out.append(&v, sizeof(T));
    } else {
      static_assert(HasBoostSerialize<T>, KILN_SERIALIZABLE_MESSAGE);
      out.putString(boostSave(v));
    }
  }
  static T get(ByteReader& in) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      return readRaw<T>(in);
    } else {
      T v{};
      boostLoad(in.getString(), v);
      return v;
    }
  }
};

// The encoding Codec<std::string>::put writes, from any bytes (a key a table holds packed).
inline void encodeStringBytes(ByteBuffer& out, std::string_view s) {
  out.putVarint(s.size());
  out.append(s.data(), s.size());
}

template <class C, class Tr, class A>
struct Codec<std::basic_string<C, Tr, A>> {
  using S = std::basic_string<C, Tr, A>;
  static void put(ByteBuffer& out, const S& s) {
    out.putVarint(s.size());
    out.append(s.data(), s.size() * sizeof(C));
  }
  static S get(ByteReader& in) {
    size_t n = in.getVarint();
    if (n > in.remaining() / sizeof(C)) throw Error("corrupt data: string longer than its buffer");
    if constexpr (sizeof(C) == 1) {
      // Made from the bytes at once: resize() would first fill the string with zeros.
      return S(reinterpret_cast<const C*>(in.take(n)), n);
    } else {
      S s;
      s.resize(n);
      in.read(s.data(), n * sizeof(C));
      return s;
    }
  }
};

template <class A, class B>
struct Codec<std::pair<A, B>> {
  static void put(ByteBuffer& out, const std::pair<A, B>& p) {
    encode(out, p.first);
    encode(out, p.second);
  }
  static std::pair<A, B> get(ByteReader& in) {
    auto a = decode<std::remove_const_t<A>>(in);
    auto b = decode<B>(in);
    return {std::move(a), std::move(b)};
  }
};

template <class... Ts>
struct Codec<std::tuple<Ts...>> {
  static void put(ByteBuffer& out, const std::tuple<Ts...>& t) {
    std::apply([&](const auto&... x) { (encode(out, x), ...); }, t);
  }
  static std::tuple<Ts...> get(ByteReader& in) {
    // Braced initialization evaluates left to right.
    return std::tuple<Ts...>{decode<Ts>(in)...};
  }
};

// A random-access iterator over T values stored as bytes at any alignment (a received
// buffer): each read is a memcpy, which the compiler turns into plain loads.
template <class T>
struct UnalignedReader {
  using iterator_category = std::random_access_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = const T*;
  using reference = T;
  const std::byte* at;
  T operator*() const {
    T x;
    std::memcpy(&x, at, sizeof(T));
    return x;
  }
  T operator[](difference_type i) const { return *(*this + i); }
  UnalignedReader& operator++() { return at += sizeof(T), *this; }
  UnalignedReader operator++(int) { return {std::exchange(at, at + sizeof(T))}; }
  UnalignedReader& operator--() { return at -= sizeof(T), *this; }
  UnalignedReader operator--(int) { return {std::exchange(at, at - sizeof(T))}; }
  UnalignedReader& operator+=(difference_type n) {
    return at += n * difference_type(sizeof(T)), *this;
  }
  UnalignedReader& operator-=(difference_type n) {
    return at -= n * difference_type(sizeof(T)), *this;
  }
  friend UnalignedReader operator+(UnalignedReader r, difference_type n) { return r += n; }
  friend UnalignedReader operator+(difference_type n, UnalignedReader r) { return r += n; }
  friend UnalignedReader operator-(UnalignedReader r, difference_type n) { return r -= n; }
  friend difference_type operator-(UnalignedReader a, UnalignedReader b) {
    return (a.at - b.at) / difference_type(sizeof(T));
  }
  friend auto operator<=>(UnalignedReader a, UnalignedReader b) = default;
};

template <class T, class A>
struct Codec<std::vector<T, A>> {
  static void put(ByteBuffer& out, const std::vector<T, A>& v) {
    out.putVarint(v.size());
    if constexpr (kMemcpyable<T>)
      out.append(v.data(), v.size() * sizeof(T));
    else
      for (const auto& x : v) encode(out, x);
  }
  static std::vector<T, A> get(ByteReader& in) {
    size_t n = in.getVarint();
    std::vector<T, A> v;
    if constexpr (kMemcpyable<T> && std::is_default_constructible_v<T>) {
      if (n > in.remaining() / std::max<size_t>(1, sizeof(T)))
        throw Error("corrupt data: vector longer than its buffer");
      // Copied straight in: resize() would first zero what the copy overwrites.
      const std::byte* bytes = in.take(n * sizeof(T));
      v.assign(UnalignedReader<T>{bytes}, UnalignedReader<T>{bytes + n * sizeof(T)});
    } else {
      v.reserve(std::min(n, in.remaining()));
      for (size_t i = 0; i < n; ++i) v.push_back(decode<T>(in));
    }
    return v;
  }
};

template <class T, size_t N>
struct Codec<std::array<T, N>> {
  static void put(ByteBuffer& out, const std::array<T, N>& a) {
    for (const auto& x : a) encode(out, x);
  }
  static std::array<T, N> get(ByteReader& in) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return std::array<T, N>{((void)I, decode<T>(in))...};
    }
    (std::make_index_sequence<N>{});
  }
};

template <class T>
struct Codec<std::optional<T>> {
  static void put(ByteBuffer& out, const std::optional<T>& o) {
    out.put(uint8_t(o.has_value()));
    if (o) encode(out, *o);
  }
  static std::optional<T> get(ByteReader& in) {
    if (!in.get<uint8_t>()) return std::nullopt;
    return decode<T>(in);
  }
};

template <class M>
struct MapCodec {
  static void put(ByteBuffer& out, const M& m) {
    out.putVarint(m.size());
    for (const auto& [k, v] : m) {
      encode(out, k);
      encode(out, v);
    }
  }
  static M get(ByteReader& in) {
    size_t n = in.getVarint();
    M m;
    for (size_t i = 0; i < n; ++i) {
      auto k = decode<typename M::key_type>(in);
      auto v = decode<typename M::mapped_type>(in);
      m.emplace(std::move(k), std::move(v));
    }
    return m;
  }
};
template <class K, class V, class C, class A>
struct Codec<std::map<K, V, C, A>> : MapCodec<std::map<K, V, C, A>> {};
template <class K, class V, class H, class E, class A>
struct Codec<std::unordered_map<K, V, H, E, A>> : MapCodec<std::unordered_map<K, V, H, E, A>> {};

}  // namespace detail

template <class T>
void encode(ByteBuffer& out, const T& v) {
  static_assert(Serializable<T>, KILN_SERIALIZABLE_MESSAGE);
  if constexpr (detail::kMemcpyable<T>)
    out.append(&v, sizeof(T));
  else
    detail::Codec<T>::put(out, v);
}

template <class T>
T decode(ByteReader& in) {
  static_assert(Serializable<T>, KILN_SERIALIZABLE_MESSAGE);
  if constexpr (detail::kMemcpyable<T>)
    return detail::readRaw<T>(in);  // the same representation encode chose
  else
    return detail::Codec<T>::get(in);
}

}  // namespace kiln
