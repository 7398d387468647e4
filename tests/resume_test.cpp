// Stopping at a safe point on SIGUSR1 (Slurm's time-limit warning) and resuming: the stopped
// run saves its exchanged shuffles, the next run loads them instead of recomputing, and the
// output is the same as an uninterrupted run's.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "../io/hdf5_blob_file.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

namespace fs = std::filesystem;

// Sends SIGUSR1 to the calling process the first time any rank calls it (a file marks it), then
// keeps its task busy long enough for the stop to reach the driver before the job can end.
void signalOnce(const std::string& marker) {
  int fd = ::open(marker.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0) return;
  ::close(fd);
  ::kill(::getpid(), SIGUSR1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

// Two shuffles (reduceByKey, sortByKey) before a slow result stage.
RDD<std::pair<long, long>> counts(Context& sc, Accumulator<LongAccumulator>& mapped) {
  std::vector<long> data(20000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = long((i * 7919) % 613);
  return sc.parallelize(data, 6)
      .map([mapped](long x) {
        mapped.add(1);
        return std::pair<long, long>(x % 97, x);
      })
      .reduceByKey(std::plus<>(), 4)
      .sortByKey(true, 3);
}

std::vector<std::pair<long, long>> slowCollect(const RDD<std::pair<long, long>>& rdd,
                                               const std::string& marker) {
  return rdd
      .map([marker](std::pair<long, long> kv) {
        if (!marker.empty() && TaskContext::get()->partitionId() == 1) signalOnce(marker);
        return kv;
      })
      .collect();
}

TEST(Resume, StoppedJobSavesShufflesAndTheRerunContinuesToTheSameResult) {
  TempDir tmp;
  std::vector<std::pair<long, long>> expected;
  {
    auto sc = makeContext();
    auto mapped = sc->longAccumulator();
    expected = slowCollect(counts(*sc, mapped), "");
  }
  const std::string ckpt = tmp.path("checkpoints");
  {
    auto sc = makeContext({{"kiln.checkpoint.dir", ckpt}});
    auto mapped = sc->longAccumulator();
    auto rdd = counts(*sc, mapped);
    try {
      slowCollect(rdd, tmp.path("signalled"));
      FAIL() << "expected kiln::Stopped";
    } catch (const Stopped& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("SIGUSR1"), std::string::npos) << msg;
      EXPECT_NE(msg.find("2 shuffle(s) saved"), std::string::npos) << msg;
    }
  }
  waitForAllRanks();
  // Two saved shuffles, each with a manifest and one HDF5 file per executor.
  int saved = 0;
  for (const auto& entry : fs::directory_iterator(ckpt)) {
    if (entry.path().filename().string().rfind("shuffle-", 0) != 0) continue;
    ++saved;
    EXPECT_TRUE(fs::exists(entry.path() / "MANIFEST"));
    io::Hdf5BlobReader file((entry.path() / "executor-0.h5").string());
    EXPECT_GT(file.size(), 0u);
    EXPECT_EQ(file.index(4).size() % 4, 0u);
  }
  EXPECT_EQ(saved, 2);
  waitForAllRanks();
  {
    auto sc = makeContext({{"kiln.checkpoint.dir", ckpt}});
    auto mapped = sc->longAccumulator();
    auto got = slowCollect(counts(*sc, mapped), "");
    EXPECT_EQ(got, expected);
    EXPECT_EQ(mapped.value(), 0) << "the resumed run recomputed the map side";
  }
}

TEST(Resume, WithoutACheckpointDirectoryTheJobStillStopsCleanly) {
  TempDir tmp;
  auto sc = makeContext();
  auto mapped = sc->longAccumulator();
  try {
    slowCollect(counts(*sc, mapped), tmp.path("signalled"));
    FAIL() << "expected kiln::Stopped";
  } catch (const Stopped& e) {
    EXPECT_NE(std::string(e.what()).find("nothing was saved"), std::string::npos) << e.what();
  }
}

TEST(Resume, ASignalBetweenActionsStopsTheNextOne) {
  auto sc = makeContext();
  EXPECT_EQ(sc->range(0, 100).count(), 100);
  ::kill(::getpid(), SIGUSR1);  // every rank: the driver decides either way
  EXPECT_THROW(sc->range(0, 100).count(), Stopped);
}

TEST(Resume, ASavedShuffleOfAnotherProgramIsNotUsed) {
  TempDir tmp;
  const std::string ckpt = tmp.path("checkpoints");
  {
    auto sc = makeContext({{"kiln.checkpoint.dir", ckpt}});
    auto mapped = sc->longAccumulator();
    EXPECT_THROW(slowCollect(counts(*sc, mapped), tmp.path("signalled")), Stopped);
  }
  waitForAllRanks();
  // Different data under the same operations: another identity, so computed afresh.
  auto sc = makeContext({{"kiln.checkpoint.dir", ckpt}});
  auto got = sc->parallelize(std::vector<long>{1, 2, 3, 98}, 2)
                 .map([](long x) { return std::pair<long, long>(x % 97, x); })
                 .reduceByKey(std::plus<>(), 4)
                 .sortByKey(true, 3)
                 .collect();
  EXPECT_EQ(got, (std::vector<std::pair<long, long>>{{1, 99}, {2, 2}, {3, 3}}));
}

}  // namespace
}  // namespace kiln::test
