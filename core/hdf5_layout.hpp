// Which C++ record types map to which HDF5 dataset shapes, for sc.hdf5<T>():
//   numbers (int8..uint64, float, double)  a 1-D dataset of numbers
//   std::array<E, N> / std::vector<E>      the rows of a 2-D dataset of numbers
//   a struct described by KILN_HDF5_FIELDS  a 1-D compound dataset (fields matched by name)
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../io/hdf5_reader.hpp"

namespace kiln {

// Describes a struct's fields for HDF5, once: KILN_HDF5_FIELDS(Event, energy, x, y, detector)
// at namespace scope (global or kiln). The struct must be trivially copyable.
template <class T>
struct Hdf5Fields;

namespace detail {

template <class E>
constexpr bool kHdf5Scalar = std::is_arithmetic_v<E> && !std::is_same_v<E, bool>;

template <class E>
constexpr io::ScalarKind scalarKind() {
  static_assert(kHdf5Scalar<E>,
                "kiln: HDF5 elements must be numbers (int8..uint64, float, double)");
  if constexpr (std::is_floating_point_v<E>)
    return sizeof(E) == 4 ? io::ScalarKind::Float32 : io::ScalarKind::Float64;
  else if constexpr (std::is_signed_v<E>)
    return sizeof(E) == 1   ? io::ScalarKind::Int8
           : sizeof(E) == 2 ? io::ScalarKind::Int16
           : sizeof(E) == 4 ? io::ScalarKind::Int32
                            : io::ScalarKind::Int64;
  else
    return sizeof(E) == 1   ? io::ScalarKind::UInt8
           : sizeof(E) == 2 ? io::ScalarKind::UInt16
           : sizeof(E) == 4 ? io::ScalarKind::UInt32
                            : io::ScalarKind::UInt64;
}

template <class T>
struct Hdf5Record {
  static constexpr bool kSupported = false;
};
template <class E>
requires kHdf5Scalar<E>
struct Hdf5Record<E> {
  static constexpr bool kSupported = true;
  static io::RecordLayout layout() {
    return {io::RecordLayout::Shape::Scalar, scalarKind<E>(), 0, {}, 0};
  }
};
template <class E, size_t N>
struct Hdf5Record<std::array<E, N>> {
  static constexpr bool kSupported = kHdf5Scalar<E>;
  static io::RecordLayout layout() {
    return {io::RecordLayout::Shape::Row, scalarKind<E>(), N, {}, 0};
  }
};
template <class E>
struct Hdf5Record<std::vector<E>> {
  static constexpr bool kSupported = kHdf5Scalar<E>;
  static io::RecordLayout layout() {
    return {io::RecordLayout::Shape::Row, scalarKind<E>(), 0, {}, 0};
  }
};
template <class T>
requires requires { Hdf5Fields<T>::fields(); }
struct Hdf5Record<T> {
  static constexpr bool kSupported = true;
  static io::RecordLayout layout() {
    static_assert(std::is_trivially_copyable_v<T>,
                  "kiln: structs read from HDF5 must be trivially copyable");
    return {io::RecordLayout::Shape::Compound, io::ScalarKind::Float64, 0, Hdf5Fields<T>::fields(),
            sizeof(T)};
  }
};

// The numeric element a record is made of (the record itself for numbers and structs).
template <class T>
struct Hdf5Element {
  using type = T;
};
template <class E, size_t N>
struct Hdf5Element<std::array<E, N>> {
  using type = E;
};
template <class E>
struct Hdf5Element<std::vector<E>> {
  using type = E;
};

// One struct member's layout: its name, offset and element kind.
template <class S, class M>
io::FieldLayout fieldLayout(const char* name, M S::*member) {
  alignas(S) static unsigned char probe[sizeof(S)];
  auto* s = reinterpret_cast<S*>(probe);
  auto offset = size_t(reinterpret_cast<unsigned char*>(&(s->*member)) - probe);
  return {name, offset, scalarKind<M>()};
}

}  // namespace detail
}  // namespace kiln

#define KILN_HDF5_FIELD_(T, f) ::kiln::detail::fieldLayout<T>(#f, &T::f)
#define KILN_HDF5_N_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define KILN_HDF5_F1(T, a) KILN_HDF5_FIELD_(T, a)
#define KILN_HDF5_F2(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F1(T, __VA_ARGS__)
#define KILN_HDF5_F3(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F2(T, __VA_ARGS__)
#define KILN_HDF5_F4(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F3(T, __VA_ARGS__)
#define KILN_HDF5_F5(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F4(T, __VA_ARGS__)
#define KILN_HDF5_F6(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F5(T, __VA_ARGS__)
#define KILN_HDF5_F7(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F6(T, __VA_ARGS__)
#define KILN_HDF5_F8(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F7(T, __VA_ARGS__)
#define KILN_HDF5_F9(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F8(T, __VA_ARGS__)
#define KILN_HDF5_F10(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F9(T, __VA_ARGS__)
#define KILN_HDF5_F11(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F10(T, __VA_ARGS__)
#define KILN_HDF5_F12(T, a, ...) KILN_HDF5_FIELD_(T, a), KILN_HDF5_F11(T, __VA_ARGS__)
#define KILN_HDF5_PASTE_(a, b) a##b
#define KILN_HDF5_CAT_(a, b) KILN_HDF5_PASTE_(a, b)  // expands a and b before pasting
#define KILN_HDF5_PICK_(n) KILN_HDF5_CAT_(KILN_HDF5_F, n)
// KILN_HDF5_FIELDS(Type, field1, field2, ...): up to 12 numeric fields, named as in the file.
#define KILN_HDF5_FIELDS(Type, ...)                                                              \
  template <>                                                                                    \
  struct kiln::Hdf5Fields<Type> {                                                                \
    static std::vector<::kiln::io::FieldLayout> fields() {                                       \
      return {KILN_HDF5_PICK_(KILN_HDF5_N_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1))( \
          Type, __VA_ARGS__)};                                                                   \
    }                                                                                            \
  };
