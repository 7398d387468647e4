// Conformance: cache / persist / unpersist (MEMORY_ONLY): a cached RDD is computed once.
#include <gtest/gtest.h>

#include <filesystem>
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

// Spill files under dir (every rank's), and whether all are owner-only.
std::pair<long, bool> spillFiles(const std::string& dir) {
  waitForAllRanks();  // every rank has finished the preceding statements (e.g. its unpersist)
  long n = 0;
  bool private_ = true;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    auto perms = e.status().permissions();
    bool others =
        (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) !=
        std::filesystem::perms::none;
    if (others) private_ = false;
    if (e.path().extension() == ".h5") ++n;
  }
  waitForAllRanks();
  return {n, private_};
}

TEST(ConformancePersistence, MemoryAndDiskSpillsPastTheBudget) {
  TempDir local, counts;
  {
    auto sc = makeContext({{"kiln.executor.memory", "64k"}, {"kiln.local.dir", local.path()}});
    auto rdd = countingSource(*sc, counts.path(), 8).map([](long x) {
      return std::string(300, char('a' + x % 26)) + std::to_string(x);
    });
    rdd.persist(StorageLevel::MEMORY_AND_DISK);
    auto expected =
        sc->range(0, 1000, 1, 8)
            .map([](long x) { return std::string(300, char('a' + x % 26)) + std::to_string(x); })
            .collect();
    EXPECT_EQ(rdd.collect(), expected);
    auto [files, owned] = spillFiles(local.path());
    EXPECT_GT(files, 0);  // about 300 KB of strings, 64 KiB per executor: some spilled
    EXPECT_TRUE(owned);   // owner-only files and directories
    EXPECT_EQ(rdd.collect(), expected);  // read back from the spill files
    EXPECT_EQ(rdd.count(), 1000);
    EXPECT_EQ(timesComputed(counts.path(), 8), 8);  // spilled, not recomputed
    rdd.unpersist();
    EXPECT_EQ(spillFiles(local.path()).first, 0);  // unpersist removes them
    auto disk = sc->range(0, 500, 1, 3).persist(StorageLevel::DISK_ONLY);
    EXPECT_EQ(disk.sum(), 499L * 500 / 2);
    EXPECT_EQ(disk.sum(), 499L * 500 / 2);
    EXPECT_EQ(spillFiles(local.path()).first, 3);
  }
  waitForAllRanks();
  // The end of the program removes the rest, directories included.
  EXPECT_TRUE(std::filesystem::is_empty(local.path()));
}

TEST(ConformancePersistence, MemoryOnlyOverTheBudgetIsRecomputed) {
  TempDir counts;
  auto sc = makeContext({{"kiln.executor.memory", "1k"}});
  auto rdd = countingSource(*sc, counts.path(), 4).cache();
  EXPECT_EQ(rdd.count(), 1000);
  EXPECT_EQ(rdd.count(), 1000);
  EXPECT_EQ(timesComputed(counts.path(), 4),
            8);  // too big to keep: computed each time, still right
}

TEST(ConformancePersistence, StorageLevelRules) {
  auto sc = makeContext();
  auto rdd = sc->range(0, 10);
  EXPECT_THROW(rdd.persist(StorageLevel::MEMORY_ONLY_SER), Error);  // not available
  rdd.persist(StorageLevel::MEMORY_ONLY);
  rdd.persist(StorageLevel::MEMORY_ONLY);  // the same level again is fine
  rdd.unpersist();
  rdd.cache();
  EXPECT_EQ(rdd.collect(), sc->range(0, 10).collect());
}

}  // namespace
}  // namespace kiln::test
