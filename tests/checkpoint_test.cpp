// Checkpoints: written to HDF5 part files with a manifest, lineage truncated, reused by a later
// run of the same program (a fresh Context here), refused when partial or damaged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"

namespace kiln::test {
namespace {

// Word-count-like lineage whose source partitions note every computation in counts/p<i>.
RDD<std::pair<long, long>> lineage(Context& sc, const std::string& counts) {
  return sc.range(0, 3000, 1, 6)
      .mapPartitionsWithIndex([counts](int p, std::vector<long>& part) {
        std::ofstream(counts + "/p" + std::to_string(p), std::ios::app) << "x\n";
        return std::move(part);
      })
      .map([](long x) { return std::pair<long, long>(x % 17, x); })
      .reduceByKey(std::plus<>(), 4);
}

long computations(const std::string& counts) {
  waitForAllRanks();
  long n = 0;
  for (int p = 0; p < 6; ++p) {
    std::ifstream f(counts + "/p" + std::to_string(p));
    for (std::string l; std::getline(f, l);) ++n;
  }
  waitForAllRanks();
  return n;
}

TEST(Checkpoint, WrittenReusedAndRefusedWhenDamaged) {
  TempDir cp, counts;
  std::vector<std::pair<long, long>> expected;
  std::string dir;
  {  // First run: computes and writes the checkpoint.
    auto sc = makeContext();
    EXPECT_THROW(lineage(*sc, counts.path()).checkpoint(), Error);  // no checkpoint dir yet
    sc->setCheckpointDir(cp.path());
    auto rdd = lineage(*sc, counts.path());
    expected = sorted(rdd.collect());
    long before = computations(counts.path());
    rdd.checkpoint();
    EXPECT_TRUE(rdd.isCheckpointed());
    dir = rdd.getCheckpointFile();
    EXPECT_TRUE(std::filesystem::exists(dir + "/MANIFEST"));
    // Written from the reduceByKey output, whose shuffle the collect above already made.
    EXPECT_EQ(computations(counts.path()), before);
    EXPECT_EQ(sorted(rdd.collect()), expected);
    EXPECT_EQ(computations(counts.path()), before);  // read from the checkpoint now
    EXPECT_EQ(rdd.toDebugString().find("+-"), std::string::npos)
        << rdd.toDebugString();  // truncated
  }
  {  // A later run of the same program: reuses it, computes nothing.
    auto sc = makeContext();
    sc->setCheckpointDir(cp.path());
    auto rdd = lineage(*sc, counts.path());
    long before = computations(counts.path());
    rdd.checkpoint();
    EXPECT_EQ(rdd.getCheckpointFile(), dir);
    EXPECT_EQ(sorted(rdd.collect()), expected);
    EXPECT_EQ(computations(counts.path()), before);
    // A different tag (say, other parameters) is another checkpoint.
    auto other = lineage(*sc, counts.path());
    other.checkpoint("threshold=7");
    EXPECT_NE(other.getCheckpointFile(), dir);
  }
  // A later run that must not use what it finds: it recomputes (six source partitions) and
  // rewrites the checkpoint, with the right answer.
  auto runExpectingRewrite = [&] {
    auto sc = makeContext();
    sc->setCheckpointDir(cp.path());
    auto rdd = lineage(*sc, counts.path());
    long before = computations(counts.path());
    rdd.checkpoint();
    EXPECT_EQ(computations(counts.path()), before + 6);
    EXPECT_EQ(sorted(rdd.collect()), expected);
  };
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  // A damaged part file.
  if (rank == 0)
    std::ofstream(dir + "/part-00002.h5", std::ios::binary | std::ios::trunc) << "garbage";
  waitForAllRanks();
  runExpectingRewrite();
  // A checkpoint without its manifest (a run that died while writing).
  if (rank == 0) std::filesystem::remove(dir + "/MANIFEST");
  waitForAllRanks();
  runExpectingRewrite();
}

TEST(Checkpoint, DifferentLineagesNeverShareACheckpoint) {
  TempDir cp;
  auto sc = makeContext();
  sc->setCheckpointDir(cp.path());
  auto src = sc->range(0, 100, 1, 4);
  // Two operators differing only in their function.
  auto twice = src.map([](long x) { return x * 2; });
  auto thrice = src.map([](long x) { return x * 3; });
  twice.checkpoint();
  thrice.checkpoint();
  EXPECT_NE(twice.getCheckpointFile(), thrice.getCheckpointFile());
  EXPECT_EQ(twice.reduce(std::plus<>()), 9900);
  EXPECT_EQ(thrice.reduce(std::plus<>()), 14850);
  // Children of checkpointed parents with different data, through the same function.
  auto keep = [](long x) { return x % 2 == 0; };
  auto a1 = sc->parallelize(std::vector<long>{1, 2, 3, 4}, 2).map([](long x) { return x; });
  auto a2 = sc->parallelize(std::vector<long>{10, 20, 30, 40}, 2).map([](long x) { return x; });
  a1.checkpoint();
  a2.checkpoint();
  auto b1 = a1.filter(keep), b2 = a2.filter(keep);
  b1.checkpoint();
  b2.checkpoint();
  EXPECT_NE(b1.getCheckpointFile(), b2.getCheckpointFile());
  EXPECT_EQ(b1.reduce(std::plus<>()), 6);
  EXPECT_EQ(b2.reduce(std::plus<>()), 100);
  // Sorting directions differ too.
  auto pairs = sc->parallelize(std::vector<std::pair<int, int>>{{2, 0}, {1, 0}, {3, 0}}, 2);
  auto up = pairs.sortByKey(true), down = pairs.sortByKey(false);
  up.checkpoint();
  down.checkpoint();
  EXPECT_EQ(down.keys().collect(), (std::vector<int>{3, 2, 1}));
}

}  // namespace
}  // namespace kiln::test
