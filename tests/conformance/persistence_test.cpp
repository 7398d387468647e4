// Conformance: cache / persist / unpersist (MEMORY_ONLY): a cached RDD is computed once.
#include <gtest/gtest.h>

#include <fstream>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

// Every computation of a partition appends a line to dir/p<partition>: the number of lines is
// the number of times the partition was computed, on whatever rank.
auto countingSource(Context& sc, const std::string& dir, int parts) {
  return sc.range(0, 1000, 1, parts).mapPartitionsWithIndex([dir](int p, std::vector<long>& part) {
    std::ofstream(dir + "/p" + std::to_string(p), std::ios::app) << "computed\n";
    return std::move(part);
  });
}

long timesComputed(const std::string& dir, int parts) {
  long n = 0;
  for (int p = 0; p < parts; ++p) {
    std::ifstream f(dir + "/p" + std::to_string(p));
    for (std::string line; std::getline(f, line);) ++n;
  }
  waitForAllRanks();  // no rank may start the next job before every rank has counted
  return n;
}

TEST(ConformancePersistence, CachedRddIsComputedOnce) {
  auto sc = makeContext();
  TempDir dir;
  auto rdd = countingSource(*sc, dir.path(), 6);
  EXPECT_EQ(rdd.getStorageLevel(), StorageLevel::NONE);
  rdd.cache();
  EXPECT_EQ(rdd.getStorageLevel(), StorageLevel::MEMORY_ONLY);
  EXPECT_EQ(rdd.count(), 1000);
  EXPECT_EQ(rdd.sum(), 999L * 1000 / 2);
  EXPECT_EQ(rdd.map([](long x) { return x * 2; }).collect().size(), 1000u);
  // Through a shuffle too.
  EXPECT_EQ(rdd.map([](long x) { return std::pair<long, long>(x % 3, 1); })
                .reduceByKey(std::plus<>())
                .count(),
            3);
  EXPECT_EQ(timesComputed(dir.path(), 6), 6);  // once per partition, four jobs later
  // After unpersist, partitions are computed again.
  rdd.unpersist();
  EXPECT_EQ(rdd.getStorageLevel(), StorageLevel::NONE);
  EXPECT_EQ(rdd.count(), 1000);
  EXPECT_EQ(timesComputed(dir.path(), 6), 12);
}

TEST(ConformancePersistence, UncachedRddIsRecomputedEachTime) {
  auto sc = makeContext();
  TempDir dir;
  auto rdd = countingSource(*sc, dir.path(), 4);
  rdd.count();
  rdd.count();
  EXPECT_EQ(timesComputed(dir.path(), 4), 8);
}

TEST(ConformancePersistence, CachedDataIsNotAlteredByConsumers) {
  auto sc = makeContext();
  auto words = sc->parallelize(std::vector<std::string>{"alpha", "beta", "gamma"}, 2).cache();
  // An operator that moves from its input must not empty the cache.
  EXPECT_EQ(words.map([](std::string s) { return s + "!"; }).collect(),
            (std::vector<std::string>{"alpha!", "beta!", "gamma!"}));
  EXPECT_EQ(words.collect(), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(words.filter([](const std::string& s) { return s[0] != 'b'; }).collect(),
            (std::vector<std::string>{"alpha", "gamma"}));
  EXPECT_EQ(words.collect(), (std::vector<std::string>{"alpha", "beta", "gamma"}));
}

TEST(ConformancePersistence, StorageLevelRules) {
  auto sc = makeContext();
  auto rdd = sc->range(0, 10);
  EXPECT_THROW(rdd.persist(StorageLevel::DISK_ONLY), Error);  // needs the storage layer
  rdd.persist(StorageLevel::MEMORY_ONLY);
  rdd.persist(StorageLevel::MEMORY_ONLY);  // the same level again is fine
  rdd.unpersist();
  rdd.cache();
  EXPECT_EQ(rdd.collect(), sc->range(0, 10).collect());
}

}  // namespace
}  // namespace kiln::test
