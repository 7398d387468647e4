// Task failures: retried, then failing the job on every rank with the task's message.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_support.hpp"

namespace kiln::test {
namespace {

TEST(Failures, TaskThatThrowsOnceIsRetried) {
  auto sc = makeContext();
  auto got = sc->parallelize(std::vector<int>{1, 2, 3, 4, 5, 6}, 3)
                 .map([](int x) {
                   if (x == 4 && TaskContext::get()->attemptNumber() == 0)
                     throw std::runtime_error("flaky");
                   return x * 10;
                 })
                 .collect();
  EXPECT_EQ(got, (std::vector<int>{10, 20, 30, 40, 50, 60}));
  // Also inside a shuffle map stage.
  auto sums =
      sc->parallelize(std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {1, 3}}, 3)
          .map([](std::pair<int, int> p) {
            if (TaskContext::get()->attemptNumber() < 2 && TaskContext::get()->partitionId() == 1)
              throw std::runtime_error("flaky twice");
            return p;
          })
          .reduceByKey(std::plus<>())
          .collect();
  EXPECT_EQ(sorted(sums), (std::vector<std::pair<int, int>>{{1, 4}, {2, 2}}));
}

TEST(Failures, TaskThatAlwaysThrowsFailsTheJobEverywhereQuickly) {
  auto sc = makeContext({{"kiln.task.maxFailures", "3"}});
  auto start = std::chrono::steady_clock::now();
  auto rdd = sc->parallelize(std::vector<int>(1000, 1), 4).map([](int x) {
    if (TaskContext::get()->partitionId() == 2)
      throw std::runtime_error("bad record in partition 2");
    return x;
  });
  try {
    rdd.count();
    FAIL() << "expected the job to fail";
  } catch (const JobFailed& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("bad record in partition 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("partition 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("stage"), std::string::npos) << msg;
    EXPECT_NE(msg.find("failed 3 times"), std::string::npos) << msg;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // The context stays usable after a failed job.
  EXPECT_EQ(sc->parallelize(std::vector<int>{1, 2, 3}, 2).count(), 3);
}

TEST(Failures, FailureInsideReduceSideFailsWithMessage) {
  auto sc = makeContext({{"kiln.task.maxFailures", "2"}});
  auto rdd = sc->parallelize(std::vector<std::pair<int, int>>{{1, 1}, {2, 2}}, 2)
                 .reduceByKey([](int, int) -> int { throw std::logic_error("merge exploded"); })
                 .mapValues([](int v) {
                   if (v == 2) throw std::invalid_argument("value two rejected");
                   return v;
                 });
  EXPECT_THROW(
      {
        try {
          rdd.collect();
        } catch (const JobFailed& e) {
          EXPECT_NE(std::string(e.what()).find("value two rejected"), std::string::npos)
              << e.what();
          throw;
        }
      },
      JobFailed);
}

// A partitioner that answers outside [0, numPartitions) fails the job, naming itself and the
// partition, on every rank: the records would otherwise land in a bucket nobody reads.
TEST(Failures, PartitionerAnsweringOutsideItsRangeFailsTheJob) {
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  auto pairs = sc->parallelize(std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {7, 3}}, 2);
  struct KeyAsPartition final : Partitioner<int> {  // 7 is not a partition of 3
    int numPartitions() const override { return 3; }
    int getPartition(const int& key) const override { return key; }
    bool equals(const PartitionerBase& o) const override { return &o == this; }
  };
  auto wrong = std::make_shared<KeyAsPartition>();
  try {
    pairs.partitionBy(Partitioning<int>(wrong)).collect();
    ADD_FAILURE() << "no error";
  } catch (const JobFailed& e) {
    EXPECT_NE(std::string(e.what()).find("returned partition 7, outside [0, 3)"), std::string::npos)
        << e.what();
  }
}

TEST(Failures, LongRunningTasksOfAFailedJobAreCancelled) {
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  auto start = std::chrono::steady_clock::now();
  // Partition 0 fails at once; the others would run for a minute but stop at a block boundary.
  EXPECT_THROW(sc->range(0, 20'000'000'000L, 1, 4)
                   .map([](long x) {
                     if (TaskContext::get()->partitionId() == 0) throw std::runtime_error("stop");
                     return x;
                   })
                   .count(),
               JobFailed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(Failures, FailedJobWithLargeResultsInFlightEndsCleanly) {
  // Executors are busy sending 48 KB outcomes when the job fails: the driver must drain them,
  // not leave a rank blocked in a send while the others wait in the result broadcast.
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  auto rdd = sc->range(0, 400 * 6000, 1, 400).map([](long x) {
    if (TaskContext::get()->partitionId() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      throw std::runtime_error("late failure");
    }
    return x;
  });
  EXPECT_THROW(rdd.collect(), JobFailed);
  EXPECT_EQ(sc->range(0, 1000, 1, 4).collect().size(), 1000u);
}

std::atomic<bool> gPoisonPartition7{false};

TEST(Failures, MapOutputsOfAFailedJobDoNotLeakIntoTheNext) {
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  auto sums = sc->range(0, 4000, 1, 8)
                  .map([](long x) {
                    if (gPoisonPartition7 && TaskContext::get()->partitionId() == 7)
                      throw std::runtime_error("poisoned");
                    return std::pair<long, long>(x % 10, 1);
                  })
                  .reduceByKey(std::plus<>());
  gPoisonPartition7 = true;
  EXPECT_THROW(sums.collect(), JobFailed);
  gPoisonPartition7 = false;
  long total = 0;
  for (auto& [k, n] : sums.collect()) total += n;
  EXPECT_EQ(total, 4000);  // every record counted once, not once per attempt
}

}  // namespace
}  // namespace kiln::test
