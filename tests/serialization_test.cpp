// core/serialization: every supported shape round-trips.
#include <gtest/gtest.h>

#include "../core/memory_estimate.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

struct Point {
  double x, y;
  bool operator==(const Point&) const = default;
};

// Not trivially copyable: goes through Boost.Serialization.
struct Labeled {
  std::string label;
  std::vector<int> values;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& label& values;
  }
  bool operator==(const Labeled&) const = default;
};

template <class T>
T roundTrip(const T& v) {
  ByteBuffer b;
  encode(b, v);
  encode(b, v);  // twice: decoding must consume exactly one value
  ByteReader r(b.span());
  T first = decode<T>(r);
  T second = decode<T>(r);
  EXPECT_EQ(first, second);
  EXPECT_TRUE(r.atEnd());
  return first;
}

TEST(Serialization, RoundTripsEveryShape) {
  EXPECT_EQ(roundTrip(42), 42);
  EXPECT_EQ(roundTrip(-1.5), -1.5);
  EXPECT_EQ(roundTrip(Point{1, 2}), (Point{1, 2}));
  EXPECT_EQ(roundTrip(std::string()), "");
  EXPECT_EQ(roundTrip(std::string(1000, 'z')), std::string(1000, 'z'));
  EXPECT_EQ(roundTrip(std::pair<std::string, long>("k", 7)),
            (std::pair<std::string, long>("k", 7)));
  auto t = std::make_tuple(1, std::string("two"), 3.0);
  EXPECT_EQ(roundTrip(t), t);
  std::vector<std::vector<int>> nested{{}, {1}, {2, 3}};
  EXPECT_EQ(roundTrip(nested), nested);
  std::array<std::string, 2> arr{"a", "b"};
  EXPECT_EQ(roundTrip(arr), arr);
  EXPECT_EQ(roundTrip(std::optional<int>()), std::optional<int>());
  EXPECT_EQ(roundTrip(std::optional<std::string>("x")), std::optional<std::string>("x"));
  std::map<std::string, std::vector<double>> m{{"a", {1.0}}, {"b", {}}};
  EXPECT_EQ(roundTrip(m), m);
  std::unordered_map<int, std::string> um{{1, "one"}, {2, "two"}};
  EXPECT_EQ(roundTrip(um), um);
  Labeled l{"name", {1, 2, 3}};
  EXPECT_EQ(roundTrip(l), l);
  EXPECT_EQ(roundTrip(std::vector<Labeled>{l, l}), (std::vector<Labeled>{l, l}));
}

TEST(Serialization, TruncatedDataIsAnError) {
  ByteBuffer b;
  encode(b, std::string("hello world"));
  ByteBuffer cut;
  cut.append(b.data(), b.size() - 3);
  ByteReader r(cut.span());
  EXPECT_THROW(decode<std::string>(r), Error);
}

TEST(Serialization, ConceptSaysWhatIsSerializable) {
  static_assert(Serializable<int>);
  static_assert(Serializable<std::pair<std::string, std::vector<Point>>>);
  static_assert(Serializable<Labeled>);
  static_assert(!Serializable<int*>);
  static_assert(!Serializable<std::vector<int*>>);
  static_assert(!Serializable<std::shared_ptr<int>>);
  // Trivially copyable but pointing into this process's memory: rejected.
  static_assert(!Serializable<std::string_view>);
  static_assert(!Serializable<std::pair<std::string_view, long>>);
  static_assert(!Serializable<std::span<int>>);
  static_assert(!Serializable<std::vector<bool>>);
}

// Records of a fixed encoded size are read straight into place (the shuffle reader's fast
// path): the same values as decode, also where the pair's layout has padding the wire has not.
TEST(Serialization, FixedSizeRecordsReadInPlaceAsDecoded) {
  using Padded = std::pair<char, double>;  // 9 bytes encoded, 16 in memory
  using Nested = std::pair<std::pair<int16_t, int64_t>, float>;
  using Wide = std::pair<uint64_t, std::array<char, 92>>;
  static_assert(detail::kFixedWireBytes<Padded> == 9);
  static_assert(detail::kFixedWireBytes<Nested> == 14);
  static_assert(detail::kFixedWireBytes<Wide> == 100);
  static_assert(detail::kFixedWireBytes<Point> == sizeof(Point));
  static_assert(detail::kFixedWireBytes<std::pair<std::string, int>> == 0);
  // Never overwritten in place: const fields go through the decoder.
  static_assert(detail::kFixedWireBytes<std::pair<const int, int>> == 0);
  static_assert(detail::kFixedWireBytes<std::pair<int, const int>> == 0);
  struct WithConst {
    const int id = 0;
  };
  static_assert(detail::kFixedWireBytes<WithConst> == 0);
  auto check = [](const auto& v) {
    using T = std::decay_t<decltype(v)>;
    ByteBuffer b;
    encode(b, v);
    ASSERT_EQ(b.size(), detail::kFixedWireBytes<T>);
    T got{};
    detail::readFixedInto(got, b.data());
    EXPECT_EQ(got, v);
  };
  check(Padded{'x', -2.5});
  check(Nested{{-7, int64_t(1) << 40}, 0.25f});
  Wide w{0x0102030405060708, {}};
  for (size_t i = 0; i < w.second.size(); ++i) w.second[i] = char(i * 3);
  check(w);
}

TEST(MemoryEstimate, CountsNestedContainers) {
  std::vector<std::pair<long, std::vector<long>>> grouped{{1, std::vector<long>(100000, 7)}};
  EXPECT_GE(detail::estimateBytes(grouped), 800000u);  // the inner vector's 800 KB
  std::vector<std::pair<std::string, std::map<int, std::string>>> nested(1);
  for (int i = 0; i < 1000; ++i) nested[0].second[i] = std::string(100, 'x');
  EXPECT_GE(detail::estimateBytes(nested), 100000u);
}

}  // namespace
}  // namespace kiln::test
