// Shuffles larger than the memory budget: with kiln.executor.memory at 4 MiB, every executor
// shuffles at least 3x that. Map outputs and received data go to scratch files, aggregations and
// sorts spill sorted runs and merge them; the answers must equal sequential references exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <unordered_map>

#include "test_support.hpp"

namespace kiln::test {
namespace {

constexpr long kRecords = 1'500'000;  // 24 MB of (long, long): 3x the budget on each of 2 executors
constexpr int kPartitions = 6;

uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ULL;
  x ^= x >> 27;
  return x;
}

// Scratch files present now under dir: sorted runs of external merges, and shuffle files.
struct ScratchFileCounts {
  long runs = 0, shuffle = 0;
};
ScratchFileCounts scratchFiles(const std::string& dir) {
  ScratchFileCounts n;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->path().extension() == ".run") ++n.runs;
    if (name.rfind("shuffle", 0) == 0) ++n.shuffle;
  }
  return n;
}

// Passes records through, noting from inside the tasks (every 50 000 records) which scratch
// files exist while they run.
template <class T>
RDD<T> watchScratch(const RDD<T>& rdd, const std::string& dir, Accumulator<LongAccumulator> runs,
                    Accumulator<LongAccumulator> shuffle) {
  return rdd.map([dir, runs, shuffle](T x) {
    thread_local long seen = 0;
    if (seen++ % 50'000 == 0) {
      auto n = scratchFiles(dir);
      runs.add(n.runs);
      shuffle.add(n.shuffle);
    }
    return x;
  });
}

struct SmallBudget {
  TempDir local;
  std::unique_ptr<Context> sc =
      makeContext({{"kiln.executor.memory", "4m"}, {"kiln.local.dir", local.path()}});
  Accumulator<LongAccumulator> runs = sc->longAccumulator("run files seen");
  Accumulator<LongAccumulator> shuffle = sc->longAccumulator("shuffle files seen");
  template <class T>
  RDD<T> watch(const RDD<T>& rdd) {
    return watchScratch(rdd, local.path(), runs, shuffle);
  }
  // Every rank's scratch files are gone once the shuffles' RDDs are.
  long filesLeft() {
    waitForAllRanks();
    auto n = scratchFiles(local.path());
    waitForAllRanks();
    return n.runs + n.shuffle;
  }
};

TEST(BigShuffle, ReduceByKeyWithManyKeys) {
  SmallBudget t;
  {
    // 750 000 distinct keys, two values each: map-side combining barely shrinks the data.
    auto pairs = t.sc->range(0, kRecords, 1, kPartitions).map([](long i) {
      return std::pair<long, long>(long(mix(uint64_t(i)) % (kRecords / 2)), i);
    });
    auto sums = t.watch(pairs.reduceByKey(std::plus<>(), 4));
    auto got = sums.collect();
    std::unordered_map<long, long> expected;
    for (long i = 0; i < kRecords; ++i) expected[long(mix(uint64_t(i)) % (kRecords / 2))] += i;
    ASSERT_EQ(got.size(), expected.size());
    for (auto& [k, v] : got) ASSERT_EQ(v, expected.at(k)) << "key " << k;
    EXPECT_GT(t.runs.value(), 0);     // the reduce side merged spilled runs
    EXPECT_GT(t.shuffle.value(), 0);  // shuffle data lived in scratch files
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

TEST(BigShuffle, ReduceByKeyWithManyStringKeys) {
  SmallBudget t;
  {
    // 200 000 distinct words of 1 to 28 bytes (some too long to pack into the combining
    // table): map-side tables flush and the reduce side spills runs, with keys short and long.
    constexpr long n = kRecords / 2;
    auto word = [](long i) {
      const uint64_t w = mix(uint64_t(i)) % 200'000, tail = mix(w + 1);
      return std::to_string(w) + std::string(tail >> 60, 'q') + std::string(tail >> 61, 'z');
    };
    auto pairs = t.sc->range(0, n, 1, kPartitions).map([word](long i) {
      return std::pair<std::string, long>(word(i), i % 7);
    });
    auto counts = t.watch(pairs.reduceByKey(std::plus<>(), 4)).collect();
    std::unordered_map<std::string, long> expected;
    for (long i = 0; i < n; ++i) expected[word(i)] += i % 7;
    ASSERT_EQ(counts.size(), expected.size());
    for (auto& [k, v] : counts) ASSERT_EQ(v, expected.at(k)) << "key " << k;
    EXPECT_GT(t.runs.value(), 0);
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

TEST(BigShuffle, GroupByKeyKeepsValuesInArrivalOrder) {
  SmallBudget t;
  {
    constexpr long n = kRecords / 2;  // strings of 0..40 characters: about 24 MB in memory
    auto value = [](long i) {
      return std::string(size_t(mix(uint64_t(i)) % 41), char('a' + i % 26));
    };
    auto pairs = t.sc->range(0, n, 1, kPartitions).map([value](long i) {
      return std::pair<int, std::string>(int(mix(uint64_t(i) + 7) % 20'000), value(i));
    });
    auto groups = t.watch(pairs.groupByKey(3)).collect();
    std::map<int, std::vector<std::string>> expected;
    for (long i = 0; i < n; ++i) expected[int(mix(uint64_t(i) + 7) % 20'000)].push_back(value(i));
    ASSERT_EQ(groups.size(), expected.size());
    for (auto& [k, vs] : groups) ASSERT_EQ(vs, expected.at(k)) << "key " << k;  // same order
    EXPECT_GT(t.runs.value(), 0);
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

TEST(BigShuffle, SortByKeyIsStableAndGlobal) {
  SmallBudget t;
  {
    auto key = [](long i) { return long(mix(uint64_t(i)) % 100'000) - 50'000; };  // repeats
    auto pairs = t.sc->range(0, kRecords, 1, kPartitions).map([key](long i) {
      return std::pair<long, long>(key(i), i);
    });
    auto got = t.watch(pairs.sortByKey(true, 3)).collect();
    std::vector<std::pair<long, long>> expected;
    for (long i = 0; i < kRecords; ++i) expected.emplace_back(key(i), i);
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected);  // values of equal keys in input order
    EXPECT_GT(t.runs.value(), 0);
    auto down = t.watch(pairs.sortByKey(false, 2)).keys().collect();
    EXPECT_TRUE(std::is_sorted(down.rbegin(), down.rend()));
    EXPECT_EQ(long(down.size()), kRecords);
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

// sortBy on large records with small keys shuffles and sorts the records themselves: spilled
// runs are merged by the key function's keys, stably, in both directions.
TEST(BigShuffle, SortByOfLargeRecordsIsStableAndGlobal) {
  struct Row {
    int32_t key;
    int32_t id;
    char payload[56];
    bool operator==(const Row&) const = default;
  };
  static_assert(sizeof(Row) == 64);
  constexpr long n = kRecords / 4;  // 24 MB of rows: 3x the budget on each of 2 executors
  SmallBudget t;
  {
    auto row = [](long i) {
      Row r{int32_t(mix(uint64_t(i)) % 50'000) - 25'000, int32_t(i), {}};
      std::snprintf(r.payload, sizeof r.payload, "row %ld", i);
      return r;
    };
    auto rows = t.sc->range(0, n, 1, kPartitions).map(row);
    std::vector<Row> expected;
    for (long i = 0; i < n; ++i) expected.push_back(row(i));
    for (bool ascending : {true, false}) {
      auto sorted = rows.sortBy([](const Row& r) { return r.key; }, ascending, 3);
      EXPECT_EQ(sorted.toDebugString().find("sortByKey"), std::string::npos)
          << "large records took the keyed path:\n"
          << sorted.toDebugString();
      auto got = t.watch(sorted).collect();
      auto want = expected;
      std::stable_sort(want.begin(), want.end(), [&](const Row& a, const Row& b) {
        return ascending ? a.key < b.key : b.key < a.key;
      });
      ASSERT_EQ(got.size(), want.size());
      EXPECT_TRUE(got == want) << (ascending ? "ascending" : "descending");
    }
    EXPECT_GT(t.runs.value(), 0);
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

TEST(BigShuffle, JoinOfTwoLargeInputs) {
  SmallBudget t;
  {
    constexpr long keys = kRecords / 3;
    // Left: two records per key; right: one per key, and keys no left record has.
    auto left = t.sc->range(0, 2 * keys, 1, kPartitions).map([](long i) {
      return std::pair<long, long>(long(mix(uint64_t(i)) % keys), i);
    });
    auto right = t.sc->range(0, keys, 1, 4).map([](long k) {
      return std::pair<long, std::string>(k * 2, std::to_string(k));
    });
    auto joined = t.watch(left.join(right, 5)).collect();
    std::vector<std::pair<long, std::pair<long, std::string>>> expected;
    for (long i = 0; i < 2 * keys; ++i) {
      long k = long(mix(uint64_t(i)) % keys);
      if (k % 2 == 0) expected.push_back({k, {i, std::to_string(k / 2)}});
    }
    EXPECT_TRUE(sorted(joined) == sorted(expected));
    EXPECT_EQ(joined.size(), expected.size());
    EXPECT_GT(t.runs.value(), 0);
  }
  EXPECT_EQ(t.filesLeft(), 0);
}

}  // namespace
}  // namespace kiln::test
