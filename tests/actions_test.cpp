// Actions against sequential references, including empty RDDs and empty partitions.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <numeric>
#include <thread>

#include "test_support.hpp"

namespace kiln::test {
namespace {

TEST(Actions, CountCollectReduceFoldAggregate) {
  auto sc = makeContext();
  for (size_t n : {0, 1, 2, 7, 12345}) {
    auto data = randomValues<long>(n, unsigned(n), 100000);
    auto rdd = sc->parallelize(data, 8);  // empty partitions when n < 8
    EXPECT_EQ(rdd.count(), long(n));
    EXPECT_EQ(rdd.collect(), data);
    long sum = std::accumulate(data.begin(), data.end(), 0L);
    if (n > 0)
      EXPECT_EQ(rdd.reduce(std::plus<>()), sum);
    else
      EXPECT_THROW(rdd.reduce(std::plus<>()), Error);
    // The zero value counts once per partition and once for the merge (Spark's rule).
    EXPECT_EQ(rdd.fold(1L, std::plus<>()), sum + 8 + 1);
    auto [cnt, s] = rdd.aggregate(
        std::pair<long, long>(0, 0),
        [](std::pair<long, long> a, long x) {
          return std::pair<long, long>(a.first + 1, a.second + x);
        },
        [](std::pair<long, long> a, std::pair<long, long> b) {
          return std::pair<long, long>(a.first + b.first, a.second + b.second);
        });
    EXPECT_EQ(cnt, long(n));
    EXPECT_EQ(s, sum);
  }
}

// aggregate and reduce merge the partitions' results once, on the driver (or the local rank);
// every other rank gets the merged value, not every partition's result to merge again.
TEST(Actions, AggregateAndReduceMergeOnTheDriverOnly) {
  auto sc = makeContext();
  static std::atomic<int> merges{0};
  std::vector<long> values(1000);
  std::iota(values.begin(), values.end(), 1L);
  auto rdd = sc->parallelize(values, 6);
  merges = 0;
  const auto sumAndCount = rdd.aggregate(
      std::pair<long, long>{0, 0},
      [](std::pair<long, long> a, long v) {
        return std::pair<long, long>{a.first + v, a.second + 1};
      },
      [](std::pair<long, long> a, std::pair<long, long> b) {
        ++merges;
        return std::pair<long, long>{a.first + b.first, a.second + b.second};
      });
  EXPECT_EQ(sumAndCount, (std::pair<long, long>{500500, 1000}));
  EXPECT_EQ(merges.load(), sc->isDriver() ? 6 : 0);
  EXPECT_EQ(rdd.reduce([](long a, long b) { return std::max(a, b); }), 1000);
  EXPECT_EQ(rdd.filter([](long v) { return v > 995; }).reduce([](long a, long b) { return a + b; }),
            996 + 997 + 998 + 999 + 1000);
  // A merge function that throws fails the job on every rank, naming the error.
  try {
    rdd.aggregate(
        0L, [](long a, long v) { return a + v; },
        [](long, long) -> long { throw Error("merge refused"); });
    ADD_FAILURE() << "no error";
  } catch (const JobFailed& e) {
    EXPECT_NE(std::string(e.what()).find("merge refused"), std::string::npos) << e.what();
  }
}

// Task results of 64 KiB or more travel as messages of their own, and the job's broadcast
// sends them apart from the outcome: collect and a large merged aggregate arrive whole, and
// the large results of a failed job's other tasks are discarded without confusing the next.
TEST(Actions, LargeResultsArriveWholeAndStragglersAreDiscarded) {
  auto sc = makeContext();
  std::vector<long> values(400000);
  std::iota(values.begin(), values.end(), 0L);
  auto rdd = sc->parallelize(values, 4);
  EXPECT_EQ(rdd.collect(), values);
  constexpr size_t kSlots = 50000;
  std::vector<long> expected(kSlots, 0);
  for (long v : values) expected[size_t(v) % kSlots] += v;
  auto spread = rdd.aggregate(
      std::vector<long>(kSlots, 0),
      [](std::vector<long> a, long v) {
        a[size_t(v) % kSlots] += v;
        return a;
      },
      [](std::vector<long> a, const std::vector<long>& b) {
        for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
        return a;
      });
  EXPECT_EQ(spread, expected);
  auto failing = rdd.mapPartitionsWithIndex([](int i, std::vector<long>& part) {
    if (i == 0) throw Error("partition 0 fails");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return part;
  });
  EXPECT_THROW(failing.collect(), JobFailed);
  EXPECT_EQ(rdd.collect(), values);
  EXPECT_EQ(rdd.count(), long(values.size()));
  // Every rank gets each accepted attempt's result, also when the first attempt of a task
  // failed after another executor had kept its results (the maker shares each with the rest).
  auto flaky = rdd.mapPartitionsWithIndex([](int i, std::vector<long>& part) {
    if (i % 2 == 1 && TaskContext::get()->attemptNumber() == 0) throw Error("first try fails");
    for (long& v : part) v = v * 3 + i;
    return part;
  });
  std::vector<long> tripled;
  for (size_t k = 0; k < values.size(); ++k) tripled.push_back(values[k] * 3 + long(k / 100000));
  EXPECT_EQ(flaky.collect(), tripled);
}

TEST(Actions, TakeFirstIsEmptyScanIncrementally) {
  auto sc = makeContext();
  auto data = randomValues<long>(1000, 4, 100000);
  auto rdd = sc->parallelize(data, 10);
  EXPECT_EQ(rdd.take(0), std::vector<long>{});
  EXPECT_EQ(rdd.take(3), std::vector<long>(data.begin(), data.begin() + 3));
  EXPECT_EQ(rdd.take(250), std::vector<long>(data.begin(), data.begin() + 250));
  EXPECT_EQ(rdd.take(5000), data);
  EXPECT_EQ(rdd.first(), data[0]);
  EXPECT_FALSE(rdd.isEmpty());
  // Records only in the last partition: take must keep scanning.
  auto tail = sc->parallelize(std::vector<long>{1, 2}, 40).filter([](long x) { return x == 2; });
  EXPECT_EQ(tail.take(5), std::vector<long>{2});
  auto empty = sc->parallelize(std::vector<long>{}, 3);
  EXPECT_TRUE(empty.isEmpty());
  EXPECT_THROW(empty.first(), Error);
  EXPECT_TRUE(empty.take(2).empty());
}

TEST(Actions, TopAndTakeOrdered) {
  auto sc = makeContext();
  // Spark: sc.parallelize([10, 4, 2, 12, 3]).top(1) == [12]; takeOrdered(3) == [2, 3, 4].
  auto small = sc->parallelize(std::vector<int>{10, 4, 2, 12, 3}, 2);
  EXPECT_EQ(small.top(1), std::vector<int>{12});
  EXPECT_EQ(small.takeOrdered(3), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(small.takeOrdered(3, std::greater<>()), (std::vector<int>{12, 10, 4}));
  auto data = randomValues<long>(5000, 5, 100000);
  auto rdd = sc->parallelize(data, 7);
  auto asc = sorted(data);
  EXPECT_EQ(rdd.takeOrdered(20), std::vector<long>(asc.begin(), asc.begin() + 20));
  EXPECT_EQ(rdd.top(20), std::vector<long>(asc.rbegin(), asc.rbegin() + 20));
  EXPECT_EQ(rdd.top(100000).size(), data.size());
  EXPECT_TRUE(sc->parallelize(std::vector<long>{}, 2).top(3).empty());
}

TEST(Actions, CountByKeyCountByValueCollectAsMap) {
  auto sc = makeContext();
  auto data = skewedPairs(10000, 100, 6);
  std::map<int, long> byKey;
  for (auto& [k, v] : data) byKey[k]++;
  auto cbk = sc->parallelize(data, 5).countByKey();
  EXPECT_EQ((std::map<int, long>(cbk.begin(), cbk.end())), byKey);
  auto cbv = sc->parallelize(std::vector<std::string>{"a", "b", "a", "c", "a"}, 3).countByValue();
  EXPECT_EQ((std::map<std::string, long>(cbv.begin(), cbv.end())),
            (std::map<std::string, long>{{"a", 3}, {"b", 1}, {"c", 1}}));
  // Duplicate keys: the last record in partition order wins.
  auto m =
      sc->parallelize(std::vector<std::pair<int, int>>{{1, 2}, {3, 4}, {1, 5}}, 2).collectAsMap();
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at(1), 5);
  EXPECT_EQ(m.at(3), 4);
}

TEST(Actions, ForeachAndForeachPartitionRunOnExecutors) {
  auto sc = makeContext();
  TempDir dir;
  auto data = randomValues<long>(300, 8, 100000);
  std::string d = dir.path();
  // Each partition writes what it saw to its own file; the driver checks the union.
  sc->parallelize(data, 6).foreachPartition([d](std::vector<long>& part) {
    std::ofstream f(d + "/p" + std::to_string(TaskContext::get()->partitionId()));
    for (long x : part) f << x << "\n";
  });
  sc->parallelize(data, 4).foreach ([d](long x) {
    std::ofstream f(d + "/e" + std::to_string(TaskContext::get()->partitionId()), std::ios::app);
    f << x << "\n";
  });
  std::vector<long> seenP, seenE;
  for (int p = 0; p < 6; ++p) {
    std::ifstream f(d + "/p" + std::to_string(p));
    for (long x; f >> x;) seenP.push_back(x);
  }
  for (int p = 0; p < 4; ++p) {
    std::ifstream f(d + "/e" + std::to_string(p));
    for (long x; f >> x;) seenE.push_back(x);
  }
  EXPECT_EQ(seenP, data);
  EXPECT_EQ(seenE, data);
}

// Tasks go one per core across the executors first; only when every core is busy does an
// executor get one more, queued. So a job of as many tasks as executors uses every executor,
// and a job of many tasks still spreads over all of them.
TEST(Actions, TasksFillEveryExecutorBeforeQueueing) {
  auto sc = makeContext();
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int executors = std::max(1, ranks - 1);
  auto ranksOf = [&](int partitions, int sleepMs) {
    auto seen = sc->parallelize(std::vector<int>(size_t(partitions), 0), partitions)
                    .mapPartitions([sleepMs](std::vector<int>&) {
                      std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
                      int rank = 0;
                      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
                      return std::vector<int>{rank};
                    })
                    .collect();
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    return seen.size();
  };
  if (sc->defaultParallelism() == executors) {  // one core each (2 ranks share 2 cores)
    EXPECT_EQ(ranksOf(executors, 20), size_t(executors));
  }
  EXPECT_EQ(ranksOf(12 * executors, 5), size_t(executors));
}

TEST(Actions, SaveAsTextFileWritesSparkLayout) {
  auto sc = makeContext();
  TempDir dir;
  auto out = dir.path("out");
  sc->parallelize(std::vector<std::pair<std::string, long>>{{"x", 1}, {"y", 22}, {"z", -3}}, 4)
      .saveAsTextFile(out);
  EXPECT_EQ(readFile(out + "/_SUCCESS"), "");
  std::string all;
  for (int p = 0; p < 4; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "/part-%05d", p);
    ASSERT_TRUE(std::filesystem::exists(out + name)) << name;
    all += readFile(out + name);
  }
  EXPECT_EQ(all, "x\t1\ny\t22\nz\t-3\n");
  EXPECT_FALSE(std::filesystem::exists(out + "/_temporary"));
  // Spark refuses to overwrite: the job fails on every rank, naming the directory.
  try {
    sc->parallelize(std::vector<int>{1}).saveAsTextFile(out);
    FAIL() << "expected a failure";
  } catch (const JobFailed& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::exists(out + "/_SUCCESS"))
      << "a failed save touched existing output";
  // A save that fails removes the directory it created, so the same job can run again.
  auto failing = sc->parallelize(std::vector<int>{1, 2, 3}, 3).map([](int x) {
    if (x == 2) throw std::runtime_error("no");
    return x;
  });
  EXPECT_THROW(failing.saveAsTextFile(dir.path("again")), JobFailed);
  waitForAllRanks();
  EXPECT_FALSE(std::filesystem::exists(dir.path("again")));
  waitForAllRanks();
  sc->parallelize(std::vector<int>{7}, 1).saveAsTextFile(dir.path("again"));
  EXPECT_EQ(readFile(dir.path("again") + "/part-00000"), "7\n");
  sc->parallelize(std::vector<double>{0.5, -2}, 1).saveAsTextFile(dir.path("d"));
  EXPECT_EQ(readFile(dir.path("d") + "/part-00000"), "0.5\n-2\n");
}

// Fixed-size records: written as their bytes, read back typed, split on record boundaries.
struct Sample {
  int32_t id;
  float energy;
  char tag[8];
};

TEST(Actions, BinaryRecordsRoundTrip) {
  auto sc = makeContext({{"kiln.files.maxPartitionBytes", "1000"}});
  TempDir dir;
  std::vector<Sample> data(1000);
  for (int i = 0; i < 1000; ++i) {
    data[size_t(i)] = Sample{i, float(i) * 0.5f, {}};
    std::snprintf(data[size_t(i)].tag, sizeof data[size_t(i)].tag, "r%d", i % 100);
  }
  sc->parallelize(data, 3).saveAsBinaryRecords(dir.path("out"));
  auto back = sc->binaryRecords<Sample>(dir.path("out"));
  EXPECT_GE(back.getNumPartitions(), 15);  // 16 kB in splits of at most 992 bytes
  auto got = back.collect();
  ASSERT_EQ(got.size(), data.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, int(i));
    EXPECT_EQ(got[i].energy, float(i) * 0.5f);
    EXPECT_STREQ(got[i].tag, data[i].tag);
  }
  // A file that is not whole records is refused, naming it.
  waitForAllRanks();
  if (sc->isDriver()) {
    std::ofstream odd(dir.path("odd.bin"), std::ios::binary);
    odd << std::string(sizeof(Sample) * 3 + 5, 'x');
  }
  waitForAllRanks();
  try {
    sc->binaryRecords<Sample>(dir.path("odd.bin"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("odd.bin has 53 bytes, not a whole number of 16-byte"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kiln::test
