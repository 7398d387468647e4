// Conformance: sortByKey, sortBy, repartitionAndSortWithinPartitions (Spark's API docs).
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

using SI = std::pair<std::string, int>;

TEST(ConformanceSort, SortByKeyFromSparkDocs) {
  auto sc = makeContext();
  std::vector<SI> tmp{{"a", 1}, {"b", 2}, {"1", 3}, {"d", 4}, {"2", 5}};
  std::vector<SI> expected{{"1", 3}, {"2", 5}, {"a", 1}, {"b", 2}, {"d", 4}};
  EXPECT_EQ(sc->parallelize(tmp).sortByKey().first(), (SI{"1", 3}));
  EXPECT_EQ(sc->parallelize(tmp).sortByKey(true, 1).collect(), expected);
  EXPECT_EQ(sc->parallelize(tmp).sortByKey(true, 2).collect(), expected);
  // keyfunc=lambda k: k.lower(): a comparator here.
  std::vector<SI> tmp2{{"Mary", 1},  {"had", 2},    {"a", 3},   {"little", 4}, {"lamb", 5},
                       {"whose", 6}, {"fleece", 7}, {"was", 8}, {"white", 9}};
  auto lowerLess = [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(x) < std::tolower(y);
    });
  };
  EXPECT_EQ(sc->parallelize(tmp2).sortByKey(true, 3, lowerLess).collect(),
            (std::vector<SI>{{"a", 3},
                             {"fleece", 7},
                             {"had", 2},
                             {"lamb", 5},
                             {"little", 4},
                             {"Mary", 1},
                             {"was", 8},
                             {"white", 9},
                             {"whose", 6}}));
}

TEST(ConformanceSort, SortByFromSparkDocs) {
  auto sc = makeContext();
  std::vector<SI> tmp{{"a", 1}, {"b", 2}, {"1", 3}, {"d", 4}, {"2", 5}};
  EXPECT_EQ(sc->parallelize(tmp).sortBy([](const SI& x) { return x.first; }).collect(),
            (std::vector<SI>{{"1", 3}, {"2", 5}, {"a", 1}, {"b", 2}, {"d", 4}}));
  EXPECT_EQ(sc->parallelize(tmp).sortBy([](const SI& x) { return x.second; }).collect(),
            (std::vector<SI>{{"a", 1}, {"b", 2}, {"1", 3}, {"d", 4}, {"2", 5}}));
}

TEST(ConformanceSort, RepartitionAndSortWithinPartitionsFromSparkDocs) {
  auto sc = makeContext();
  using P = std::pair<int, int>;
  auto rdd = sc->parallelize(std::vector<P>{{0, 5}, {3, 8}, {2, 6}, {0, 8}, {3, 8}, {1, 3}});
  auto parity = makePartitioner<int>(2, [](int k) { return k % 2; });
  EXPECT_EQ(rdd.repartitionAndSortWithinPartitions(parity).glom().collect(),
            (std::vector<std::vector<P>>{{{0, 5}, {0, 8}, {2, 6}}, {{1, 3}, {3, 8}, {3, 8}}}));
}

// Large trivially copyable records take the sorter's tag path; byte-array keys its word-wise
// comparison. Equal keys must keep their input order (stable), in both directions.
TEST(ConformanceSort, LargeRecordsWithByteKeysSortStably) {
  auto sc = makeContext();
  using Key = std::array<unsigned char, 10>;
  using Payload = std::array<char, 90>;
  std::vector<std::pair<Key, Payload>> records;
  for (int i = 0; i < 5000; ++i) {
    Key k{};
    uint64_t h = uint64_t(i % 700) * 0x9e3779b97f4a7c15ULL;  // 700 distinct keys, many repeats
    for (size_t b = 0; b < k.size(); ++b) k[b] = static_cast<unsigned char>(h >> (8 * (b % 8)));
    k[9] = static_cast<unsigned char>(i % 3);  // keys that differ only past the first 8 bytes
    Payload p{};
    std::snprintf(p.data(), p.size(), "%d", i);
    records.emplace_back(k, p);
  }
  for (bool ascending : {true, false}) {
    auto expected = records;
    std::stable_sort(expected.begin(), expected.end(), [&](const auto& a, const auto& b) {
      return ascending ? a.first < b.first : b.first < a.first;
    });
    EXPECT_EQ(sc->parallelize(records, 4).sortByKey(ascending, 3).collect(), expected)
        << (ascending ? "ascending" : "descending");
    // sortBy on a 100-byte record with a 10-byte key (TeraSort's shape) sorts the records
    // themselves, with the same order.
    struct Record {
      Key key;
      Payload payload;
    };
    std::vector<Record> plain;
    for (const auto& [k, p] : records) plain.push_back({k, p});
    auto got = sc->parallelize(plain, 4)
                   .sortBy([](const Record& r) { return r.key; }, ascending, 3)
                   .collect();
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(got[i].key == expected[i].first && got[i].payload == expected[i].second)
          << (ascending ? "ascending" : "descending") << ": first difference at " << i;
  }
}

// A partition of over 2^18 byte-key records is first spread over buckets by the leading key
// bits that vary in it, then each bucket is sorted: keys sharing their top bytes (as a range
// partition's do), keys that differ only in their last bytes (past the 12 the tags hold), and
// repeats that must keep their input order, in both directions.
template <size_t N>
void sortManyByteKeys(Context& sc) {
  using Key = std::array<unsigned char, N>;
  using Payload = std::array<char, 64 - N>;
  std::vector<std::pair<Key, Payload>> records;
  for (uint32_t i = 0; i < 300000; ++i) {
    Key k{};
    k[0] = 0x7f;  // a common prefix: the bucketing must skip it
    const uint64_t h = uint64_t(i % 50000) * 0x9e3779b97f4a7c15ULL;
    for (size_t b = 1; b < N; ++b) k[b] = static_cast<unsigned char>(h >> (8 * (b % 8)));
    k[N - 1] = static_cast<unsigned char>(i % 5);  // differ only in the last byte
    Payload p{};
    std::memcpy(p.data(), &i, sizeof i);
    records.emplace_back(k, p);
  }
  for (bool ascending : {true, false}) {
    auto expected = records;
    std::stable_sort(expected.begin(), expected.end(), [&](const auto& a, const auto& b) {
      return ascending ? a.first < b.first : b.first < a.first;
    });
    auto got = sc.parallelize(records, 3).sortByKey(ascending, 1).collect();
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_TRUE(got[i] == expected[i]) << "N " << N << (ascending ? " ascending" : " descending")
                                         << ": first difference at " << i;
  }
}

TEST(ConformanceSort, ManyByteKeysInOnePartitionSortStably) {
  auto sc = makeContext();
  sortManyByteKeys<10>(*sc);
  sortManyByteKeys<16>(*sc);
}

// sortByKey's sample of each partition (Algorithm L) takes every record with the same
// chance, k / n, and holds everything when a partition has at most k records.
TEST(ConformanceSort, RangeBoundsSampleIsUniform) {
  constexpr int kItems = 1000, kTake = 10, kTrials = 20000;
  std::vector<int> taken(kItems, 0);
  for (int trial = 0; trial < kTrials; ++trial) {
    detail::ReservoirSampler<int> sampler(kTake, uint64_t(trial) * 7919 + 1);
    for (int i = 0; i < kItems; ++i) sampler.offer(i);
    ASSERT_EQ(sampler.seen(), kItems);
    ASSERT_EQ(sampler.sample().size(), size_t(kTake));
    for (int i : sampler.sample()) ++taken[size_t(i)];
  }
  // Expected 200 per item (binomial, sd about 14); the first and last items too.
  for (int i = 0; i < kItems; ++i) {
    EXPECT_GT(taken[size_t(i)], 120) << "item " << i;
    EXPECT_LT(taken[size_t(i)], 290) << "item " << i;
  }
  long early = 0, late = 0;
  for (int i = 0; i < kItems / 2; ++i)
    early += taken[size_t(i)], late += taken[size_t(kItems - 1 - i)];
  EXPECT_NEAR(double(early) / double(late), 1.0, 0.03);
  detail::ReservoirSampler<int> small(kTake, 5);
  for (int i = 0; i < 4; ++i) small.offer(i);
  EXPECT_EQ(small.sample(), (std::vector<int>{0, 1, 2, 3}));
}

// A range partitioner of byte-string keys compares their first 8 bytes as integers, and the
// rest only between keys with equal heads: it must place every key exactly as comparing the
// bytes does, bounds with equal heads and keys equal to a bound included, in both directions.
TEST(ConformanceSort, RangePartitionerOfByteKeysMatchesByteOrder) {
  using Key = std::array<unsigned char, 10>;
  auto key = [](uint64_t head, unsigned char b8, unsigned char b9) {
    Key k{};
    for (int i = 0; i < 8; ++i) k[size_t(i)] = static_cast<unsigned char>(head >> (56 - 8 * i));
    k[8] = b8;
    k[9] = b9;
    return k;
  };
  const std::vector<Key> bounds = {key(5, 0, 0),   key(9, 1, 0),    key(9, 1, 7),    key(9, 200, 0),
                                   key(9, 255, 9), key(1000, 3, 3), key(~0ULL, 0, 1)};
  auto byteLess = [](const Key& a, const Key& b) {
    return std::memcmp(a.data(), b.data(), 10) < 0;
  };
  // One key at a time and a block at a time (the shuffle's path, searched differently).
  auto check = [&](const std::vector<Key>& bounds, const std::vector<Key>& keys) {
    for (bool ascending : {true, false}) {
      RangePartitioner<Key> fast(bounds, ascending);
      RangePartitioner<Key, decltype(byteLess)> reference(bounds, ascending, byteLess);
      std::vector<const Key*> pointers;
      for (const Key& k : keys) pointers.push_back(&k);
      std::vector<int> block(keys.size());
      fast.getPartitions(pointers, block.data());
      for (size_t i = 0; i < keys.size(); ++i) {
        const int want = reference.getPartition(keys[i]);
        ASSERT_EQ(fast.getPartition(keys[i]), want) << "key " << i << " ascending " << ascending;
        ASSERT_EQ(block[i], want) << "key " << i << " in a block, ascending " << ascending;
      }
    }
  };
  std::vector<Key> keys;
  for (uint64_t head : {0ULL, 5ULL, 6ULL, 9ULL, 10ULL, 1000ULL, ~0ULL})
    for (int b8 : {0, 1, 3, 200, 255})
      for (int b9 : {0, 1, 7, 9, 255})
        keys.push_back(key(head, static_cast<unsigned char>(b8), static_cast<unsigned char>(b9)));
  check(bounds, keys);
  // Any number of bounds; keys drawn near them (equal heads) and anywhere.
  std::mt19937_64 rng(42);
  for (size_t count : {1, 2, 3, 36, 100}) {
    std::vector<Key> sortedBounds;
    for (size_t i = 0; i < count; ++i)
      sortedBounds.push_back(key(rng() % 64, static_cast<unsigned char>(rng()), 0));
    std::sort(sortedBounds.begin(), sortedBounds.end(), byteLess);
    std::vector<Key> near;
    for (int i = 0; i < 2000; ++i)
      near.push_back(i % 2 ? key(rng() % 66, static_cast<unsigned char>(rng() % 3), 0)
                           : key(rng(), static_cast<unsigned char>(rng()), 1));
    check(sortedBounds, near);
  }
}

TEST(ConformanceSort, GlobalOrderOnRandomSkewedData) {
  auto sc = makeContext();
  auto data = skewedPairs(20000, 5000, 31);
  for (bool ascending : {true, false})
    for (int parts : {1, 3, 8}) {
      auto sortedRdd = sc->parallelize(data, 5).sortByKey(ascending, parts);
      auto got = sortedRdd.collect();
      ASSERT_EQ(got.size(), data.size());
      for (size_t i = 1; i < got.size(); ++i)
        ASSERT_TRUE(ascending ? got[i - 1].first <= got[i].first : got[i - 1].first >= got[i].first)
            << "out of order at " << i << " (ascending=" << ascending << ", parts=" << parts << ")";
      EXPECT_EQ(sorted(got), sorted(data));  // the same records
      EXPECT_LE(sortedRdd.getNumPartitions(), parts);
      ASSERT_NE(sortedRdd.partitioner(), nullptr);
    }
  // Empty input, and more partitions than distinct keys.
  EXPECT_TRUE(sc->parallelize(std::vector<SI>{}, 3).sortByKey().collect().empty());
  auto few = sc->parallelize(std::vector<SI>{{"x", 1}, {"x", 2}, {"y", 3}}, 2).sortByKey(true, 10);
  EXPECT_EQ(few.map([](const SI& p) { return p.first; }).collect(),
            (std::vector<std::string>{"x", "x", "y"}));
  // sortBy on plain values, descending.
  auto values = randomValues<long>(3000, 9, 1000);
  auto desc = sc->parallelize(values, 4).sortBy([](long x) { return x; }, false).collect();
  auto expected = sorted(values);
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(desc, expected);
}

}  // namespace
}  // namespace kiln::test
