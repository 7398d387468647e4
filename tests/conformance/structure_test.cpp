// Conformance: set operations, coalesce, zips, sampling (Spark's API docs and rules).
#include <gtest/gtest.h>

#include <set>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

template <class T>
using Vec = std::vector<T>;

TEST(ConformanceStructure, SetOperationsFromSparkDocs) {
  auto sc = makeContext();
  EXPECT_EQ(sorted(sc->parallelize(Vec<int>{1, 1, 2, 3}).distinct().collect()),
            (Vec<int>{1, 2, 3}));
  auto r1 = sc->parallelize(Vec<int>{1, 10, 2, 3, 4, 5}),
       r2 = sc->parallelize(Vec<int>{1, 6, 2, 3, 7, 8});
  EXPECT_EQ(sorted(r1.intersection(r2).collect()), (Vec<int>{1, 2, 3}));
  using SI = std::pair<std::string, int>;
  auto x = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 4}, {"b", 5}, {"a", 3}});
  auto y = sc->parallelize(Vec<SI>{{"a", 3}, {"c", 0}});
  EXPECT_EQ(sorted(x.subtract(y).collect()), (Vec<SI>{{"a", 1}, {"b", 4}, {"b", 5}}));
  auto rdd = sc->parallelize(Vec<int>{1, 2});
  EXPECT_EQ(sorted(rdd.cartesian(rdd).collect()),
            (Vec<std::pair<int, int>>{{1, 1}, {1, 2}, {2, 1}, {2, 2}}));
  // Duplicates in this RDD survive subtract; intersection and distinct deduplicate.
  auto dups = sc->parallelize(Vec<int>{5, 5, 6, 7, 7}, 3);
  EXPECT_EQ(sorted(dups.subtract(sc->parallelize(Vec<int>{6})).collect()), (Vec<int>{5, 5, 7, 7}));
  EXPECT_EQ(sorted(dups.intersection(dups).collect()), (Vec<int>{5, 6, 7}));
}

TEST(ConformanceStructure, SetOperationsOnRandomData) {
  auto sc = makeContext();
  auto a = randomValues<int>(2000, 3, 300), b = randomValues<int>(1500, 4, 300);
  std::set<int> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  Vec<int> inter, sub;
  for (int v : sa)
    if (sb.count(v)) inter.push_back(v);
  for (int v : a)
    if (!sb.count(v)) sub.push_back(v);
  auto ra = sc->parallelize(a, 5), rb = sc->parallelize(b, 3);
  EXPECT_EQ(sorted(ra.distinct().collect()), Vec<int>(sa.begin(), sa.end()));
  EXPECT_EQ(sorted(ra.intersection(rb, 4).collect()), inter);
  EXPECT_EQ(sorted(ra.subtract(rb).collect()), sorted(sub));
  auto prod = sc->parallelize(Vec<int>{1, 2, 3}, 2)
                  .cartesian(sc->parallelize(Vec<std::string>{"x", "y"}, 3));
  EXPECT_EQ(prod.getNumPartitions(), 6);
  EXPECT_EQ(prod.count(), 6);
  EXPECT_TRUE(sc->parallelize(Vec<int>{}, 2).cartesian(ra).collect().empty());
}

TEST(ConformanceStructure, CoalesceFromSparkDocs) {
  auto sc = makeContext();
  auto rdd = sc->parallelize(Vec<int>{1, 2, 3, 4, 5}, 3);
  EXPECT_EQ(rdd.glom().collect(), (Vec<Vec<int>>{{1}, {2, 3}, {4, 5}}));
  EXPECT_EQ(rdd.coalesce(1).glom().collect(), (Vec<Vec<int>>{{1, 2, 3, 4, 5}}));
  EXPECT_EQ(rdd.coalesce(5).getNumPartitions(), 3);  // coalesce never adds partitions
  EXPECT_EQ(rdd.coalesce(5, true).getNumPartitions(), 5);
  // Shuffled input lives on several executors: the same grouping, data moved as needed.
  auto shuffled = sc->parallelize(skewedPairs(3000, 100, 5), 4).partitionBy(6);
  auto parts = shuffled.glom().collect();
  auto merged = shuffled.coalesce(2).glom().collect();
  ASSERT_EQ(merged.size(), 2u);
  Vec<std::pair<int, long>> first, second;
  for (int i = 0; i < 3; ++i)
    first.insert(first.end(), parts[size_t(i)].begin(), parts[size_t(i)].end());
  for (int i = 3; i < 6; ++i)
    second.insert(second.end(), parts[size_t(i)].begin(), parts[size_t(i)].end());
  EXPECT_EQ(merged[0], first);
  EXPECT_EQ(merged[1], second);
  EXPECT_THROW(rdd.coalesce(0), Error);
}

TEST(ConformanceStructure, ZipsFromSparkDocs) {
  auto sc = makeContext();
  auto x = sc->range(0, 5), y = sc->range(1000, 1005);
  EXPECT_EQ(x.zip(y).collect(),
            (Vec<std::pair<long, long>>{{0, 1000}, {1, 1001}, {2, 1002}, {3, 1003}, {4, 1004}}));
  using SL = std::pair<std::string, long>;
  EXPECT_EQ(sc->parallelize(Vec<std::string>{"a", "b", "c", "d"}, 3).zipWithIndex().collect(),
            (Vec<SL>{{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}}));
  EXPECT_EQ(
      sc->parallelize(Vec<std::string>{"a", "b", "c", "d", "e"}, 3).zipWithUniqueId().collect(),
      (Vec<SL>{{"a", 0}, {"b", 1}, {"c", 4}, {"d", 2}, {"e", 5}}));
  auto sums =
      sc->parallelize(Vec<int>{1, 2, 3, 4}, 2)
          .zipPartitions(sc->parallelize(Vec<int>{10, 20, 30}, 2),
                         [](Vec<int>& a, Vec<int>& b) { return Vec<size_t>{a.size() + b.size()}; })
          .collect();
  EXPECT_EQ(sums, (Vec<size_t>{3, 4}));
  // Mismatched partition counts or sizes are errors.
  EXPECT_THROW(x.zip(sc->range(0, 5, 1, 3)), Error);
  EXPECT_THROW(sc->range(0, 4, 1, 2).zip(sc->range(0, 5, 1, 2)).collect(), JobFailed);
  // zipWithIndex over many partitions, some empty.
  auto data = randomValues<int>(777, 6, 100);
  auto indexed = sc->parallelize(data, 20).zipWithIndex().collect();
  for (size_t i = 0; i < indexed.size(); ++i)
    EXPECT_EQ(indexed[i], (std::pair<int, long>(data[i], long(i))));
}

TEST(ConformanceStructure, SamplingFromSparkDocs) {
  auto sc = makeContext();
  auto rdd = sc->range(0, 100, 1, 4);
  long n = rdd.sample(false, 0.1, 81).count();
  EXPECT_TRUE(n >= 6 && n <= 14) << n;
  // The same seed gives the same sample; another seed, another one.
  EXPECT_EQ(rdd.sample(false, 0.5, 7).collect(), rdd.sample(false, 0.5, 7).collect());
  EXPECT_NE(rdd.sample(false, 0.5, 7).collect(), rdd.sample(false, 0.5, 8).collect());
  EXPECT_EQ(rdd.sample(false, 0.0, 1).count(), 0);
  EXPECT_EQ(rdd.sample(false, 1.0, 1).count(), 100);
  EXPECT_THROW(rdd.sample(false, 1.5, 1), Error);
  long withRep = sc->range(0, 10000, 1, 4).sample(true, 2.0, 3).count();
  EXPECT_NEAR(double(withRep), 20000.0, 600.0);
  // rdd1, rdd2 = sc.parallelize(range(500), 1).randomSplit([2, 3], 17)
  auto splits = sc->range(0, 500, 1, 1).randomSplit({2, 3}, 17);
  ASSERT_EQ(splits.size(), 2u);
  auto a = splits[0].collect(), b = splits[1].collect();
  EXPECT_EQ(a.size() + b.size(), 500u);
  EXPECT_TRUE(150 < a.size() && a.size() < 250) << a.size();
  Vec<long> all = a;
  all.insert(all.end(), b.begin(), b.end());
  EXPECT_EQ(sorted(all), sc->range(0, 500).collect());  // disjoint and complete
  // takeSample: len(rdd.takeSample(True, 20, 1)) == 20, (False, 5, 2) -> 5, (False, 15, 3) -> 10
  auto ten = sc->range(0, 10);
  EXPECT_EQ(ten.takeSample(true, 20, 1).size(), 20u);
  EXPECT_EQ(ten.takeSample(false, 5, 2).size(), 5u);
  auto fifteen = ten.takeSample(false, 15, 3);
  EXPECT_EQ(sorted(fifteen), ten.collect());
  auto five = sc->range(0, 1000, 1, 7).takeSample(false, 5, 9);
  EXPECT_EQ(std::set<long>(five.begin(), five.end()).size(), 5u);  // without replacement: distinct
  EXPECT_EQ(five, sc->range(0, 1000, 1, 7).takeSample(false, 5, 9));
}

}  // namespace
}  // namespace kiln::test
