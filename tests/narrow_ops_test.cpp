// Sources and narrow transformations against sequential references.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <ranges>
#include <span>

#include "test_support.hpp"

namespace kiln::test {
namespace {

TEST(Sources, ParallelizeSlicesAsSpark) {
  auto sc = makeContext();
  // Spark: sc.parallelize(1 to 5, 3).glom().collect() == [[1], [2, 3], [4, 5]]
  auto parts = sc->parallelize(std::vector<int>{1, 2, 3, 4, 5}, 3).glom().collect();
  EXPECT_EQ(parts, (std::vector<std::vector<int>>{{1}, {2, 3}, {4, 5}}));
  // More slices than elements: empty partitions, order kept (slice i starts at i*len/n).
  auto sparse = sc->parallelize(std::vector<int>{7, 8}, 5).glom().collect();
  EXPECT_EQ(sparse, (std::vector<std::vector<int>>{{}, {}, {7}, {}, {8}}));
  EXPECT_EQ(sc->parallelize(std::vector<int>{}, 4).count(), 0);
  EXPECT_EQ(sc->parallelize(std::vector<int>{1, 2, 3}).getNumPartitions(),
            sc->defaultParallelism());
  EXPECT_THROW(sc->parallelize(std::vector<int>{1}, -1), Error);
}

TEST(Sources, RangeAsSpark) {
  auto sc = makeContext();
  EXPECT_EQ(sc->range(0, 10, 3, 2).collect(), (std::vector<long>{0, 3, 6, 9}));
  EXPECT_EQ(sc->range(10, 0, -4, 3).collect(), (std::vector<long>{10, 6, 2}));
  EXPECT_EQ(sc->range(5, 5).count(), 0);
  EXPECT_EQ(sc->range(0, 1000000, 1, 7).count(), 1000000);
  EXPECT_EQ(sc->range(0, 5, 1, 2).glom().collect(),
            (std::vector<std::vector<long>>{{0, 1}, {2, 3, 4}}));
  EXPECT_THROW(sc->range(0, 5, 0), Error);
}

TEST(NarrowOps, MapFilterFlatMapFusedChain) {
  auto sc = makeContext();
  for (size_t n : {0, 1, 5, 10007}) {
    auto data = randomValues<int>(n, unsigned(n), 2001);
    std::vector<std::string> expected;
    for (int x : data)
      if (x % 3 != 0)
        for (int k = 0; k < (x & 3); ++k)
          expected.push_back(std::to_string(x * 2) + "#" + std::to_string(k));
    auto got = sc->parallelize(data, 7)
                   .filter([](int x) { return x % 3 != 0; })
                   .map([](int x) { return std::pair<int, int>(x * 2, x & 3); })
                   .flatMap([](const std::pair<int, int>& p) {
                     std::vector<std::string> out;
                     for (int k = 0; k < p.second; ++k)
                       out.push_back(std::to_string(p.first) + "#" + std::to_string(k));
                     return out;
                   })
                   .collect();
    EXPECT_EQ(got, expected) << "n=" << n;  // narrow ops keep partition-then-position order
  }
}

// A function taking its record by value is handed the record to move from: neither the
// parallelized data nor a cached partition may lose what was moved out of a block.
TEST(NarrowOps, MapByValueMovesWithoutDisturbingSourcesOrCache) {
  auto sc = makeContext();
  std::vector<std::string> data;
  for (int i = 0; i < 3000; ++i) data.push_back(std::string(size_t(i % 40), char('a' + i % 26)));
  auto source = sc->parallelize(data, 5);
  auto cached = source.map([](std::string s) { return s + "!"; }).cache();
  auto takeWhole = [](std::string s) {
    std::string taken = std::move(s);
    return taken.size();
  };
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(source.map(takeWhole).sum(), double(cached.map(takeWhole).sum() - 3000));
    EXPECT_EQ(source.collect(), data);
    auto again = cached.collect();
    ASSERT_EQ(again.size(), data.size());
    for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(again[i], data[i] + "!");
  }
}

// Counts its copies in this process (the test reads the count inside tasks).
struct CopyCounted {
  static inline std::atomic<long> copies{0};
  long value = 0;
  CopyCounted() = default;
  explicit CopyCounted(long v) : value(v) {}
  CopyCounted(const CopyCounted& o) : value(o.value) { ++copies; }
  CopyCounted& operator=(const CopyCounted& o) {
    value = o.value;
    ++copies;
    return *this;
  }
  CopyCounted(CopyCounted&&) = default;
  CopyCounted& operator=(CopyCounted&&) = default;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& value;
  }
};

// Readers of a cached partition (aggregate, and map/flatMap/filter whose functions take const
// references) get its records in place; every reader sees them unchanged.
TEST(NarrowOps, CachedPartitionsAreReadInPlace) {
  auto sc = makeContext();
  std::vector<long> values(8000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = long(i * 7 % 1000);
  auto cached = sc->parallelize(values, 4).map([](long v) { return CopyCounted(v); }).cache();
  EXPECT_EQ(cached.count(), 8000);
  // Copies made while this task read its partition: none. Each partition spans several blocks,
  // so copying blocks would show between the first record and the last.
  using Seen = std::pair<long, long>;  // (copies counted at the first record, most copies made)
  auto copiesWhileReading = cached.aggregate(
      std::vector<Seen>{},
      [](std::vector<Seen> seen, const CopyCounted&) {
        const long now = CopyCounted::copies.load();
        if (seen.empty()) seen.push_back({now, 0});
        seen.back().second = std::max(seen.back().second, now - seen.back().first);
        return seen;
      },
      [](std::vector<Seen> a, std::vector<Seen> b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
      });
  ASSERT_EQ(copiesWhileReading.size(), 4u);
  for (auto [first, made] : copiesWhileReading) EXPECT_EQ(made, 0);
  long expectedSum = 0, expectedKept = 0;
  for (long v : values) {
    expectedSum += v;
    expectedKept += v % 2 == 0;
  }
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(cached.map([](const CopyCounted& c) { return c.value; }).sum(), expectedSum);
    EXPECT_EQ(cached.filter([](const CopyCounted& c) { return c.value % 2 == 0; }).count(),
              expectedKept);
    EXPECT_EQ(
        cached.flatMap([](const CopyCounted& c) {
                return std::vector<long>{c.value, -c.value};
              })
            .sum(),
        0);
  }
}

// The words a byte-at-a-time scan finds: the reference for kiln::split.
std::vector<std::string> referenceWords(std::string_view line) {
  std::vector<std::string> words;
  std::string w;
  for (char c : std::string(line) + " ") {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  return words;
}

// kiln::split reads the line in 64-byte windows and 16-byte chunks, the last chunk ending at
// the line's end: lines of every length up to several windows, with words and gaps across the
// window and chunk edges, and bytes next to the whitespace range ('\b', 0x0e, 0x80-0xff, NUL).
TEST(NarrowOps, SplitMatchesAByteScanAtEveryLengthAndEdge) {
  const std::string alphabet = std::string("ab \t\n\v\f\r\b\x0e\x80\xff", 12) + '\0';
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (size_t len = 0; len <= 200; ++len)
    for (int trial = 0; trial < 20; ++trial) {
      std::string line(len, 'x');
      // Some lines mostly spaces, some mostly letters: long words and long gaps both occur.
      const uint64_t spaceOdds = next() % 4;
      for (char& c : line) c = next() % 4 < spaceOdds ? alphabet[next() % alphabet.size()] : 'w';
      // The line sits inside a larger buffer, so reads past its end would find letters.
      const std::string buffer = "zz" + line + std::string(80, 'q');
      const std::string_view view(buffer.data() + 2, len);
      std::vector<std::string> got;
      for (std::string w : split(view)) got.push_back(std::move(w));
      ASSERT_EQ(got, referenceWords(view)) << "line of " << len << " bytes, trial " << trial;
    }
}

// kiln::split finds maximal runs of non-whitespace, and as a view it composes with std::views.
TEST(NarrowOps, SplitWordsAndComposesAsAView) {
  static_assert(std::ranges::view<SplitWords>);
  auto sc = makeContext();
  const std::vector<std::string> lines = {
      "", "  ", "a", "one two\tthree", " \v lead and trail \r", std::string(40, 'x') + " y"};
  std::vector<std::string> words;
  for (const auto& line : lines)
    for (auto& w : referenceWords(line)) words.push_back(w);
  auto rdd = sc->parallelize(lines, 3);
  EXPECT_EQ(rdd.flatMap([](const std::string& l) { return split(l); }).collect(), words);
  auto pairs = rdd.flatMap([](const std::string& l) {
                    return split(l) | std::views::transform([](std::string w) {
                             return std::pair<std::string, size_t>(std::move(w), 0);
                           });
                  })
                   .collect();
  ASSERT_EQ(pairs.size(), words.size());
  for (size_t i = 0; i < words.size(); ++i) EXPECT_EQ(pairs[i].first, words[i]);
}

// split(line).pairedWith(v) yields (word, v) for the same words, in order, and counts words as
// the split-then-map program does.
TEST(NarrowOps, SplitPairedWithMakesWordValuePairs) {
  static_assert(std::ranges::view<SplitPairs<long>>);
  auto sc = makeContext();
  const std::vector<std::string> lines = {"", "b a b", " \t", std::string(70, 'z') + " a\n b ",
                                          "a"};
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& line : lines)
    for (auto& w : referenceWords(line)) expected.emplace_back(w, "v" + w);
  auto rdd = sc->parallelize(lines, 2);
  // A value that owns memory: each pair gets its own copy.
  auto tagged = rdd.flatMap([](const std::string& l) {
                     std::vector<std::pair<std::string, std::string>> out;
                     for (auto p : split(l).pairedWith(std::string("v"))) {
                       p.second += p.first;
                       out.push_back(std::move(p));
                     }
                     return out;
                   })
                    .collect();
  EXPECT_EQ(tagged, expected);
  auto paired = rdd.flatMap([](const std::string& l) { return split(l).pairedWith(1L); })
                    .reduceByKey(std::plus<>())
                    .collectAsMap();
  auto mapped = rdd.flatMap([](const std::string& l) { return split(l); })
                    .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
                    .reduceByKey(std::plus<>())
                    .collectAsMap();
  EXPECT_EQ(paired, mapped);
  EXPECT_EQ(paired.at("a"), 3);
  EXPECT_EQ(paired.at("b"), 3);
  EXPECT_EQ(paired.at(std::string(70, 'z')), 1);
}

TEST(NarrowOps, MapPartitionsWithIndexSeesEachPartition) {
  auto sc = makeContext();
  auto data = randomValues<int>(1000, 3, 2001);
  auto got = sc->parallelize(data, 9)
                 .mapPartitionsWithIndex([](int index, std::vector<int>& part) {
                   long sum = std::accumulate(part.begin(), part.end(), 0L);
                   return std::vector<std::pair<int, long>>{{index, sum}};
                 })
                 .collect();
  ASSERT_EQ(got.size(), 9u);
  for (int i = 0; i < 9; ++i) {
    size_t b = size_t(i) * 1000 / 9, e = size_t(i + 1) * 1000 / 9;
    EXPECT_EQ(got[size_t(i)],
              (std::pair<int, long>(
                  i, std::accumulate(data.begin() + long(b), data.begin() + long(e), 0L))));
  }
  auto sizes =
      sc->parallelize(data, 4)
          .mapPartitions([](std::vector<int>& part) { return std::vector<size_t>{part.size()}; })
          .collect();
  EXPECT_EQ(sizes, (std::vector<size_t>{250, 250, 250, 250}));
}

// mapBatches hands its function consecutive runs of each partition, in order, none empty or
// over kMaxBatchRecords, without gathering the partition; cached records are read in place.
TEST(NarrowOps, MapBatchesStreamsRunsOfEachPartitionInOrder) {
  auto sc = makeContext();
  std::vector<long> values(10007);
  std::iota(values.begin(), values.end(), 0L);
  // A filter in front makes the parent's blocks of uneven size.
  auto kept = sc->parallelize(values, 3).filter([](long v) { return v % 3 != 0; });
  std::vector<long> expected;
  for (long v : values)
    if (v % 3 != 0) expected.push_back(v);
  struct Batch {
    long size, first, last;
  };
  auto batches = kept.mapBatches([](std::span<const long> b) {
                       return std::vector<Batch>{{long(b.size()), b.front(), b.back()}};
                     })
                     .collect();
  size_t at = 0;
  for (const Batch& b : batches) {
    ASSERT_GE(b.size, 1);
    ASSERT_LE(b.size, long(kMaxBatchRecords));
    ASSERT_LE(at + size_t(b.size), expected.size());
    EXPECT_EQ(b.first, expected[at]);
    EXPECT_EQ(b.last, expected[at + size_t(b.size) - 1]);
    at += size_t(b.size);
  }
  EXPECT_EQ(at, expected.size());
  // Batches packed into blocks and unpacked again: every record once, in order.
  auto blocks = kept.mapBatches([](std::span<const long> b) {
    return std::vector<std::vector<long>>{{b.begin(), b.end()}};
  });
  EXPECT_EQ(blocks.flatMap([](const std::vector<long>& b) { return b; }).collect(), expected);
  EXPECT_EQ(sc->parallelize(std::vector<long>{}, 2)
                .mapBatches([](std::span<const long> b) { return std::vector<size_t>{b.size()}; })
                .count(),
            0);
  // Reading a cached RDD copies no record: within a partition (one task, one process) the
  // copy counter is the same in every batch.
  auto cached = sc->parallelize(values, 4).map([](long v) { return CopyCounted(v); }).cache();
  EXPECT_EQ(cached.count(), long(values.size()));
  auto counters =
      cached
          .mapBatches([](std::span<const CopyCounted> b) {
            return std::vector<std::pair<long, long>>{{CopyCounted::copies.load(), long(b.size())}};
          })
          .glom()
          .collect();
  ASSERT_EQ(counters.size(), 4u);
  long records = 0;
  for (const auto& partition : counters) {
    ASSERT_GT(partition.size(), 1u);
    for (auto [copies, size] : partition) {
      EXPECT_EQ(copies, partition[0].first) << "a batch saw records copied";
      records += size;
    }
  }
  EXPECT_EQ(records, long(values.size()));
}

TEST(NarrowOps, PairValueOpsAndKeyBy) {
  auto sc = makeContext();
  auto pairs =
      sc->parallelize(std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}, {"a", 3}}, 2);
  EXPECT_EQ(pairs.mapValues([](int v) { return v * 10; }).collect(),
            (std::vector<std::pair<std::string, int>>{{"a", 10}, {"b", 20}, {"a", 30}}));
  EXPECT_EQ(pairs.flatMapValues([](int v) { return std::vector<int>(size_t(v - 1), v); }).collect(),
            (std::vector<std::pair<std::string, int>>{{"b", 2}, {"a", 3}, {"a", 3}}));
  EXPECT_EQ(pairs.keys().collect(), (std::vector<std::string>{"a", "b", "a"}));
  EXPECT_EQ(pairs.values().collect(), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(sc->parallelize(std::vector<int>{3, 4}, 2).keyBy([](int x) { return x % 2; }).collect(),
            (std::vector<std::pair<int, int>>{{1, 3}, {0, 4}}));
}

TEST(NarrowOps, UnionKeepsPartitionsInOrder) {
  auto sc = makeContext();
  auto a = sc->parallelize(std::vector<int>{1, 2, 3}, 2);
  auto b = sc->parallelize(std::vector<int>{4, 5}, 3);
  auto u = a.union_(b);
  EXPECT_EQ(u.getNumPartitions(), 5);
  EXPECT_EQ(u.collect(), (std::vector<int>{1, 2, 3, 4, 5}));
  auto three = sc->union_(std::vector<RDD<int>>{a, b, a});
  EXPECT_EQ(three.collect(), (std::vector<int>{1, 2, 3, 4, 5, 1, 2, 3}));
  // Union of shuffled RDDs: partitions stay where their shuffle put them.
  auto r1 = a.map([](int x) { return std::pair<int, int>(x % 2, x); }).reduceByKey(std::plus<>());
  auto r2 = b.map([](int x) { return std::pair<int, int>(x % 2, x); }).reduceByKey(std::plus<>());
  EXPECT_EQ(sorted(r1.union_(r2).collect()),
            (std::vector<std::pair<int, int>>{{0, 2}, {0, 4}, {1, 4}, {1, 5}}));
}

TEST(TextFile, LinesOfFilesDirectoriesAndGlobs) {
  auto sc = makeContext({{"kiln.files.maxPartitionBytes", "7"}});
  TempDir dir;
  writeFileOnDriver(dir.path("a.txt"), "alpha beta\r\n\ngamma\nlong line crossing splits\nz");
  writeFileOnDriver(dir.path("b.txt"), "b1\nb2\n");
  writeFileOnDriver(dir.path("empty.txt"), "");
  auto a = sc->textFile(dir.path("a.txt"));
  EXPECT_GT(a.getNumPartitions(), 4);
  std::vector<std::string> aLines{"alpha beta", "", "gamma", "long line crossing splits", "z"};
  EXPECT_EQ(a.collect(), aLines);
  std::vector<std::string> all = aLines;
  all.insert(all.end(), {"b1", "b2"});
  EXPECT_EQ(sc->textFile(dir.path()).collect(), all);
  EXPECT_EQ(sc->textFile(dir.path("*.txt")).collect(), all);
  EXPECT_EQ(sc->textFile(dir.path("empty.txt")).count(), 0);
  try {
    sc->textFile(dir.path("nope.txt"));
    FAIL() << "expected an error for a missing input";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.txt"), std::string::npos) << e.what();
  }
}

TEST(TextFile, ManyPartitionsMatchSequentialRead) {
  auto sc = makeContext({{"kiln.files.maxPartitionBytes", "1k"}});
  TempDir dir;
  std::mt19937 rng(11);
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i) {
    std::string l(rng() % 40, 'a');
    for (auto& c : l) c = char('a' + rng() % 26);
    lines.push_back(l);
    text += l + "\n";
  }
  writeFileOnDriver(dir.path("big.txt"), text);
  auto rdd = sc->textFile(dir.path("big.txt"), 3);
  EXPECT_GE(rdd.getNumPartitions(), int(text.size() / 1024));
  EXPECT_EQ(rdd.collect(), lines);
  EXPECT_EQ(rdd.count(), 5000);
}

}  // namespace
}  // namespace kiln::test
