// Conformance: numeric RDDs, StatCounter, histogram, tree aggregation (Spark's API docs and
// the rules of its DoubleRDDFunctions).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

TEST(ConformanceNumeric, StatisticsFromSparkDocs) {
  auto sc = makeContext();
  EXPECT_EQ(sc->parallelize(std::vector<double>{1.0, 2.0, 3.0}).sum(), 6.0);
  auto r = sc->parallelize(std::vector<int>{1, 2, 3});
  EXPECT_EQ(r.sum(), 6L);
  EXPECT_DOUBLE_EQ(r.mean(), 2.0);
  EXPECT_NEAR(r.variance(), 0.6666666666666666, 1e-12);
  EXPECT_DOUBLE_EQ(r.sampleVariance(), 1.0);
  EXPECT_NEAR(r.stdev(), 0.816496580927726, 1e-12);
  EXPECT_DOUBLE_EQ(r.sampleStdev(), 1.0);
  auto d = sc->parallelize(std::vector<double>{1.0, 5.0, 43.0, 10.0}, 2);
  EXPECT_EQ(d.max(), 43.0);
  EXPECT_EQ(d.min(), 1.0);
  // max(key=str) == 5.0: compare by text.
  auto byText = [](double a, double b) { return std::to_string(a) < std::to_string(b); };
  EXPECT_EQ(d.max(byText), 5.0);
  StatCounter s = d.stats();
  EXPECT_EQ(s.count(), 4);
  EXPECT_DOUBLE_EQ(s.mean(), 14.75);
  EXPECT_EQ(s.max(), 43.0);
  EXPECT_EQ(s.min(), 1.0);
}

TEST(ConformanceNumeric, EmptyNegativeAndNaN) {
  auto sc = makeContext();
  auto empty = sc->parallelize(std::vector<double>{}, 3);
  EXPECT_EQ(empty.sum(), 0.0);
  EXPECT_EQ(empty.stats().count(), 0);
  EXPECT_TRUE(std::isnan(empty.mean()));
  EXPECT_TRUE(std::isnan(empty.variance()));
  EXPECT_EQ(empty.stats().max(), -INFINITY);
  EXPECT_THROW(empty.max(), Error);
  EXPECT_THROW(empty.min(), Error);
  EXPECT_THROW(empty.histogram(3), Error);
  auto one = sc->parallelize(std::vector<double>{-2.5}, 4);
  EXPECT_EQ(one.mean(), -2.5);
  EXPECT_EQ(one.variance(), 0.0);
  EXPECT_TRUE(std::isnan(one.sampleVariance()));
  auto withNaN = sc->parallelize(std::vector<double>{1, NAN, 3}, 2);
  EXPECT_TRUE(std::isnan(withNaN.mean()));
  EXPECT_THROW(withNaN.histogram(2), Error);
  EXPECT_EQ(withNaN.histogram(std::vector<double>{0, 2, 4}),
            (std::vector<long>{1, 1}));  // NaN ignored
  // StatCounter merged over partitions equals the sequential computation.
  auto data = randomValues<long>(10001, 77, 2000000);
  double mean = std::accumulate(data.begin(), data.end(), 0.0) / double(data.size()), m2 = 0;
  for (long x : data) m2 += (double(x) - mean) * (double(x) - mean);
  auto st = sc->parallelize(data, 13).stats();
  EXPECT_NEAR(st.mean(), mean, 1e-6);
  EXPECT_NEAR(st.variance(), m2 / double(data.size()), 1e-3);
  EXPECT_NEAR(st.sampleVariance(), m2 / double(data.size() - 1), 1e-3);
  EXPECT_EQ(st.max(), double(*std::max_element(data.begin(), data.end())));
  EXPECT_EQ(st.min(), double(*std::min_element(data.begin(), data.end())));
}

TEST(ConformanceNumeric, HistogramFromSparkDocs) {
  auto sc = makeContext();
  auto rdd = sc->range(0, 51, 1, 4);
  auto [bounds, counts] = rdd.histogram(2);
  EXPECT_EQ(bounds, (std::vector<double>{0, 25, 50}));
  EXPECT_EQ(counts, (std::vector<long>{25, 26}));
  EXPECT_EQ(rdd.histogram(std::vector<double>{0, 5, 25, 50}), (std::vector<long>{5, 20, 26}));
  EXPECT_EQ(rdd.histogram(std::vector<double>{0, 15, 30, 45, 60}),
            (std::vector<long>{15, 15, 15, 6}));
  // Out-of-range values are ignored; the last bucket is closed on the right.
  auto vals = sc->parallelize(std::vector<double>{-1, 0, 0.5, 1, 1.5, 2, 2.5}, 3);
  EXPECT_EQ(vals.histogram(std::vector<double>{0, 1, 2}), (std::vector<long>{2, 3}));
  // Invalid bucket lists.
  EXPECT_THROW(vals.histogram(std::vector<double>{1}), Error);
  EXPECT_THROW(vals.histogram(std::vector<double>{0, 2, 1}), Error);
  EXPECT_THROW(vals.histogram(std::vector<double>{0, 1, 1}), Error);
  EXPECT_THROW(vals.histogram(0), Error);
  // A single distinct value: one bucket holding everything.
  auto same = sc->parallelize(std::vector<double>{3, 3, 3}, 2).histogram(5);
  EXPECT_EQ(same.first, (std::vector<double>{3, 3}));
  EXPECT_EQ(same.second, (std::vector<long>{3}));
  // Random data against a sequential count, even and uneven buckets.
  auto data = randomValues<int>(5000, 12, 1000);
  std::vector<double> uneven{-500, -100, 0, 7, 300, 499};
  std::vector<long> expected(uneven.size() - 1, 0);
  for (int x : data)
    for (size_t b = 0; b + 1 < uneven.size(); ++b)
      if (x >= uneven[b] && (x < uneven[b + 1] || (b + 2 == uneven.size() && x == uneven[b + 1]))) {
        ++expected[b];
        break;
      }
  EXPECT_EQ(sc->parallelize(data, 6).histogram(uneven), expected);
  auto [eb, ec] = sc->parallelize(data, 6).histogram(10);
  EXPECT_EQ(std::accumulate(ec.begin(), ec.end(), 0L), 5000L);
}

TEST(ConformanceNumeric, TreeReduceAndAggregateFromSparkDocs) {
  auto sc = makeContext();
  auto rdd = sc->parallelize(std::vector<int>{-5, -4, -3, -2, -1, 1, 2, 3, 4}, 10);
  for (int depth : {1, 2, 5, 10}) {
    EXPECT_EQ(rdd.treeReduce(std::plus<>(), depth), -5) << depth;
    EXPECT_EQ(rdd.treeAggregate(0, std::plus<>(), std::plus<>(), depth), -5) << depth;
  }
  auto big = sc->range(0, 100000, 1, 64);
  EXPECT_EQ(big.treeAggregate(0L, std::plus<>(), std::plus<>(), 3), 99999L * 100000 / 2);
  EXPECT_THROW(sc->parallelize(std::vector<int>{}, 3).treeReduce(std::plus<>()), Error);
  EXPECT_THROW(rdd.treeReduce(std::plus<>(), 0), Error);
}

}  // namespace
}  // namespace kiln::test
