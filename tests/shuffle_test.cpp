// Shuffle operations against sequential references: random and skewed keys, empty inputs,
// more partitions than records, and all-to-all exchanges split into many rounds.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>

#include "../io/scratch_directory.hpp"
#include "../sched/map_output_writer.hpp"
#include "../sched/shuffle_store.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

using KV = std::pair<int, long>;

std::map<int, long> referenceSums(const std::vector<KV>& data) {
  std::map<int, long> m;
  for (auto& [k, v] : data) m[k] += v;
  return m;
}

template <class Pairs>
std::map<int, long> asMap(const Pairs& got) {
  std::map<int, long> m;
  for (auto& [k, v] : got) {
    EXPECT_EQ(m.count(k), 0u) << "key " << k << " appears twice";
    m[k] = v;
  }
  return m;
}

TEST(Shuffle, ReduceByKeyAsSpark) {
  auto sc = makeContext();
  auto rdd =
      sc->parallelize(std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 1}, {"a", 1}});
  EXPECT_EQ(sorted(rdd.reduceByKey(std::plus<>()).collect()),
            (std::vector<std::pair<std::string, int>>{{"a", 2}, {"b", 1}}));
}

TEST(Shuffle, ReduceByKeyRandomSkewedEmpty) {
  auto sc = makeContext();
  for (size_t n : {0, 1, 3, 50000}) {
    auto data = skewedPairs(n, 1000, unsigned(n) + 1);
    for (int parts : {1, 4, 13}) {
      auto got = sc->parallelize(data, 5).reduceByKey(std::plus<>(), parts);
      EXPECT_EQ(got.getNumPartitions(), parts);
      EXPECT_EQ(asMap(got.collect()), referenceSums(data)) << "n=" << n << " parts=" << parts;
    }
  }
}

TEST(Shuffle, HashPartitionPlacesKeys) {
  auto sc = makeContext();
  auto data = skewedPairs(2000, 50, 9);
  auto parts = sc->parallelize(data, 3).partitionBy(7).glom().collect();
  ASSERT_EQ(parts.size(), 7u);
  size_t total = 0;
  for (size_t p = 0; p < parts.size(); ++p)
    for (auto& [k, v] : parts[p]) {
      EXPECT_EQ(size_t(hashPartition(Hash<int>{}(k), 7)), p);
      ++total;
    }
  EXPECT_EQ(total, data.size());
  EXPECT_THROW(sc->parallelize(data).partitionBy(0), Error);
}

// Map tasks route records with FastModulo's multiplications, not a division: the same
// partition as h % n for every hash, extreme ones included, and every divisor.
TEST(Shuffle, FastModuloEqualsDivision) {
  std::mt19937_64 random(17);
  std::vector<uint64_t> hashes = {0,
                                  1,
                                  2,
                                  UINT64_MAX,
                                  UINT64_MAX - 1,
                                  uint64_t(1) << 63,
                                  (uint64_t(1) << 63) - 1,
                                  UINT32_MAX,
                                  uint64_t(UINT32_MAX) + 1};
  for (int i = 0; i < 2000; ++i) hashes.push_back(random() >> (i % 64));
  std::vector<uint32_t> divisors = {
      UINT32_MAX, UINT32_MAX - 1, uint32_t(1) << 31, (uint32_t(1) << 31) - 1, 1000003,
      65536,      65537};
  for (uint32_t n = 1; n <= 300; ++n) divisors.push_back(n);
  for (uint32_t n : divisors) {
    const detail::FastModulo modulo(n);
    for (uint64_t h : hashes) ASSERT_EQ(modulo(h), h % n) << "h = " << h << ", n = " << n;
  }
}

// The inlined string hash and comparison read bytes in overlapping words: every length and
// every position must count, and the hash must spread keys over partitions and table slots.
TEST(Shuffle, StringKeyHashAndEqualityCoverEveryByte) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'a');
    for (size_t i = 0; i < n; ++i) a[i] = char('a' + i % 26);
    const std::string same = a;
    EXPECT_TRUE(keysEqual(a, same));
    EXPECT_EQ(Hash<std::string>{}(a), Hash<std::string>{}(same));
    EXPECT_EQ(Hash<std::string>{}(a), Hash<std::string_view>{}(std::string_view(a)));
    EXPECT_FALSE(keysEqual(a, a + "x"));
    EXPECT_NE(Hash<std::string>{}(a), Hash<std::string>{}(a + '\0'));
    for (size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] ^= 1;
      EXPECT_FALSE(keysEqual(a, b)) << "length " << n << ", byte " << i;
      EXPECT_NE(Hash<std::string>{}(a), Hash<std::string>{}(b)) << "length " << n << ", byte " << i;
    }
  }
  constexpr int kKeys = 80000, kParts = 8;
  std::vector<int> perPartition(kParts), perTopBits(16);
  for (int k = 0; k < kKeys; ++k) {
    const size_t h = Hash<std::string>{}("w" + std::to_string(k));
    ++perPartition[hashPartition(h, kParts)];
    ++perTopBits[h >> 60];
  }
  for (int c : perPartition) EXPECT_NEAR(c, kKeys / kParts, kKeys / kParts / 20);
  for (int c : perTopBits) EXPECT_NEAR(c, kKeys / 16, kKeys / 16 / 10);
}

// Combining packs string keys of up to 15 bytes into its table's entries: keys of every
// length, keys that differ in one byte or only in a trailing or embedded NUL, short keys held
// in heap buffers, and long keys must each keep their own count, with small and large flat
// combiners.
TEST(Shuffle, StringKeysOfEveryLengthCombineExactly) {
  auto sc = makeContext();
  std::vector<std::string> keys;
  for (size_t n = 0; n <= 40; ++n) {
    std::string k(n, 'a');
    for (size_t i = 0; i < n; ++i) k[i] = char('a' + i % 26);
    keys.push_back(k);
    keys.push_back(k + '\0');
    for (size_t i = 0; i < n; ++i) {
      std::string b = k;
      b[i] ^= 1;
      keys.push_back(b);
      b[i] = '\0';
      keys.push_back(b);
    }
  }
  std::vector<std::pair<std::string, long>> data;
  std::mt19937 rng(11);
  for (int i = 0; i < 60000; ++i) data.emplace_back(keys[rng() % keys.size()], long(rng() % 100));
  std::map<std::string, long> sums;
  struct Stats {  // a 24-byte flat combiner
    long count, sum, max;
    bool operator==(const Stats&) const = default;
  };
  std::map<std::string, Stats> stats;
  for (auto& [k, v] : data) {
    sums[k] += v;
    auto [it, fresh] = stats.try_emplace(k, Stats{0, 0, v});
    it->second = Stats{it->second.count + 1, it->second.sum + v, std::max(it->second.max, v)};
  }
  // Half the keys reach the combiner in heap buffers.
  auto pairs = sc->parallelize(data, 5).map([](const std::pair<std::string, long>& kv) {
    std::string k;
    if (kv.second % 2) k.reserve(64);
    k.append(kv.first);
    return std::pair<std::string, long>(std::move(k), kv.second);
  });
  auto got = pairs.reduceByKey(std::plus<>(), 3).collect();
  EXPECT_EQ(got.size(), sums.size());
  EXPECT_EQ((std::map<std::string, long>(got.begin(), got.end())), sums);
  auto agg = pairs
                 .aggregateByKey(
                     Stats{0, 0, -1},
                     [](Stats a, long v) {
                       return Stats{a.count + 1, a.sum + v, std::max(a.max, v)};
                     },
                     [](Stats a, Stats b) {
                       return Stats{a.count + b.count, a.sum + b.sum, std::max(a.max, b.max)};
                     },
                     4)
                 .collect();
  EXPECT_EQ(agg.size(), stats.size());
  for (auto& [k, st] : agg) EXPECT_TRUE(stats.at(k) == st) << "key of " << k.size() << " bytes";
}

// flatMap(split(line).pairedWith(v)) into reduceByKey hands the combining table views of the
// words inside each line instead of std::strings (BlockSink::pushBorrowed). Words of every
// length, at the start, middle and very end of lines, differing in one byte or holding a NUL,
// must combine exactly as whole strings do: with a tight budget (tables written out part-way),
// from cached lines (shared, read-only blocks), and from a function that copies its line.
TEST(Shuffle, WordsCutFromLinesCombineAsStrings) {
  using Pairs = decltype(split(std::string_view()).pairedWith(3L));
  static_assert(detail::kIsSplitPairs<Pairs> && detail::CombineTable<std::string, long>::kPacked,
                "the borrowed path must be the one under test");
  std::vector<std::string> words;
  for (size_t n = 1; n <= 40; ++n) {
    std::string w(n, 'a');
    for (size_t i = 0; i < n; ++i) w[i] = char('a' + (i * 7 + n) % 26);
    words.push_back(w);
    for (size_t i = 0; i < n; i += 3) {
      std::string b = w;
      b[i] ^= 1;
      words.push_back(b);
      b[i] = '\0';
      words.push_back(b);
    }
  }
  for (int k = 0; k < 30000; ++k) words.push_back("w" + std::to_string(k));  // flushes part-way
  std::mt19937 rng(5);
  std::vector<std::string> lines;
  std::map<std::string, long> counts;
  for (int l = 0; l < 20000; ++l) {
    std::string line = rng() % 5 == 0 ? " \t" : "";
    for (int n = int(rng() % 12); n > 0; --n) {
      const std::string& w = words[rng() % words.size()];
      line += w;
      counts[w] += 3;
      if (n > 1 || rng() % 2) line += rng() % 4 ? " " : "\t\r ";  // half end with a word
    }
    lines.push_back(line);
  }
  for (const char* memory : {"64m", "4m"}) {
    auto sc = makeContext({{"kiln.executor.memory", memory}});
    auto text = sc->parallelize(lines, 3);
    auto count = [](const RDD<std::string>& rdd) {
      auto got = rdd.flatMap([](const std::string& l) { return split(l).pairedWith(3L); })
                     .reduceByKey(std::plus<>(), 5)
                     .collect();
      return std::pair(got.size(), std::map<std::string, long>(got.begin(), got.end()));
    };
    auto [n, got] = count(text);
    EXPECT_EQ(n, counts.size()) << "a word counted under two keys, budget " << memory;
    EXPECT_EQ(got, counts) << "budget " << memory;
    text.cache();
    EXPECT_EQ(count(text).second, counts) << "cached lines, budget " << memory;
    EXPECT_EQ(count(text).second, counts) << "cached lines read again, budget " << memory;
    // A function taking its line by value cuts words from its own copy, which goes when the
    // call's full-expression ends: those views must not be kept past it.
    auto byValue = text.flatMap([](std::string l) { return split(l).pairedWith(3L); })
                       .reduceByKey(std::plus<>(), 5)
                       .collect();
    EXPECT_EQ((std::map<std::string, long>(byValue.begin(), byValue.end())), counts)
        << "a function taking lines by value, budget " << memory;
  }
}

// Results come in the order keys were first seen (so reruns and rank counts agree), also when
// the combining tables grow many times over: short keys (kept in probed slots, moved at each
// growth) come first, then the others, each kind in its first-seen order.
TEST(Shuffle, CombinedKeysKeepFirstSeenOrderThroughGrowth) {
  auto sc = makeContext();
  std::vector<std::pair<std::string, long>> data;
  std::vector<std::string> shortKeys, longKeys;
  std::set<std::string> seen;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string key =
        i % 3 ? "k" + std::to_string(rng() % 1000000) : "long key " + std::to_string(i);
    if (seen.insert(key).second) (key.size() <= 7 ? shortKeys : longKeys).push_back(key);
    data.emplace_back(key, 1);
    if (i % 5 == 0) {
      auto repeat = data[size_t(rng() % data.size())];
      data.push_back(repeat);
    }
  }
  std::vector<std::string> expected = shortKeys;
  expected.insert(expected.end(), longKeys.begin(), longKeys.end());
  auto got = sc->parallelize(data, 1).reduceByKey(std::plus<>(), 1).keys().collect();
  EXPECT_EQ(got, expected);
}

// Each exchange receives into one buffer, and a dropped shuffle's buffer is kept for the next;
// shuffles of growing and shrinking size under a small budget reuse it, outgrow it (it is
// freed first when room runs out) or fall back to placing segments one by one, and spill.
TEST(Shuffle, ReceiveBuffersReusedAcrossShufflesOfChangingSize) {
  auto sc = makeContext({{"kiln.executor.memory", "16m"}});
  for (long n : {200'000L, 50'000L, 400'000L, 100'000L, 1'000'000L, 20'000L}) {
    std::vector<KV> data(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i) data[size_t(i)] = {int((i * 7919) % (n / 3 + 1)), i};
    auto got = sc->parallelize(data, 4).partitionBy(5).reduceByKey(std::plus<>(), 3).collect();
    EXPECT_EQ(asMap(got), referenceSums(data)) << n << " records";
  }
}

// Pair records whose layout has padding the wire format has not (char then double: 9 bytes
// encoded, 16 in memory), nested, over runs longer than a block: every value arrives intact.
TEST(Shuffle, FixedSizePairsWithPaddingArriveIntact) {
  auto sc = makeContext();
  using Rec = std::pair<long, std::pair<char, double>>;
  std::vector<Rec> data;
  for (long i = 0; i < 20'000; ++i) data.push_back({i % 977, {char('a' + i % 26), double(i) / 8}});
  auto got = sc->parallelize(data, 3).partitionBy(4).collect();
  EXPECT_EQ(sorted(got), sorted(data));
}

// A map task reserves each bucket at the size the shuffle's last committed map task wrote to
// it, an eighth more, so its buckets fill without regrowing; never past half its memory share.
TEST(Shuffle, MapBucketsStartAtThePreviousTasksSizes) {
  TempDir tmp;
  io::ScratchDirectory scratch;
  scratch.setParent(tmp.path("scratch"));
  sched::ShuffleStore store;
  store.configure(uint64_t(1) << 30, scratch);
  const std::vector<uint64_t> sizes{1000, 0, 250000};
  {
    sched::MapOutputWriter first(store, 7, 0, 3, 64 << 20);
    for (int r = 0; r < 3; ++r) {
      EXPECT_EQ(first.bucket(r).capacity(), 0u) << "no hint before the first commit";
      first.bucket(r).resize(size_t(sizes[size_t(r)]));
    }
    first.commit();
  }
  EXPECT_EQ(store.bucketSizeHint(7), sizes);
  EXPECT_TRUE(store.bucketSizeHint(8).empty());
  sched::MapOutputWriter second(store, 7, 1, 3, 64 << 20);
  for (int r = 0; r < 3; ++r) {
    const uint64_t want = sizes[size_t(r)] + sizes[size_t(r)] / 8;
    EXPECT_GE(second.bucket(r).capacity(), want) << "bucket " << r;
  }
  // 282 KB of hinted buckets do not fit half of a 400 KB share: the task starts empty.
  sched::MapOutputWriter small(store, 7, 2, 3, 400000);
  for (int r = 0; r < 3; ++r) EXPECT_EQ(small.bucket(r).capacity(), 0u) << "bucket " << r;
}

TEST(Shuffle, GroupByKeyKeepsEveryValueInMapPartitionOrder) {
  auto sc = makeContext();
  auto data = skewedPairs(20000, 300, 5);
  std::map<int, std::vector<long>> expected;
  for (auto& [k, v] : data) expected[k].push_back(v);
  auto got = sc->parallelize(data, 6).groupByKey(5).collect();
  std::map<int, std::vector<long>> m(got.begin(), got.end());
  EXPECT_EQ(m.size(), got.size());
  // Segments are merged in map-partition order, so each group keeps the input order.
  EXPECT_EQ(m, expected);
}

TEST(Shuffle, AggregateCombineFoldByKey) {
  auto sc = makeContext();
  auto data = skewedPairs(30000, 200, 8);
  auto rdd = sc->parallelize(data, 4);
  // aggregateByKey to (count, sum).
  using CS = std::pair<long, long>;
  auto agg = rdd.aggregateByKey(
                    CS{0, 0},
                    [](CS a, long v) {
                      return CS{a.first + 1, a.second + v};
                    },
                    [](CS a, CS b) {
                      return CS{a.first + b.first, a.second + b.second};
                    })
                 .collect();
  std::map<int, CS> expected;
  for (auto& [k, v] : data) {
    expected[k].first++;
    expected[k].second += v;
  }
  EXPECT_EQ((std::map<int, CS>(agg.begin(), agg.end())), expected);
  // combineByKey to max, without map-side combine as well.
  for (bool mapSide : {true, false}) {
    auto mx =
        rdd.combineByKey([](long v) { return v; }, [](long c, long v) { return std::max(c, v); },
                         [](long a, long b) { return std::max(a, b); }, 3, mapSide)
            .collect();
    std::map<int, long> em;
    for (auto& [k, v] : data) em[k] = em.count(k) ? std::max(em[k], v) : v;
    EXPECT_EQ(asMap(mx), em);
  }
  // foldByKey: Spark applies the zero value once per key in every map partition.
  auto small =
      std::vector<KV>{{1, 5}, {2, 1}, {1, 2}, {1, 1}};  // partitions: {1,5}{2,1} | {1,2}{1,1}
  auto folded = sc->parallelize(small, 2).foldByKey(100, std::plus<>()).collect();
  EXPECT_EQ(asMap(folded), (std::map<int, long>{{1, 5 + 2 + 1 + 200}, {2, 101}}));
}

TEST(Shuffle, RepartitionSpreadsEvenly) {
  auto sc = makeContext();
  auto data = std::vector<int>(10000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = int(i);
  auto parts = sc->parallelize(data, 3).repartition(8).glom().collect();
  ASSERT_EQ(parts.size(), 8u);
  std::vector<int> all;
  for (auto& p : parts) {
    EXPECT_NEAR(double(p.size()), 10000.0 / 8, 10);
    all.insert(all.end(), p.begin(), p.end());
  }
  EXPECT_EQ(sorted(all), data);
  EXPECT_EQ(sc->parallelize(std::vector<int>{}, 2).repartition(3).count(), 0);
}

TEST(Shuffle, StringKeysAcrossChainedShuffles) {
  auto sc = makeContext();
  std::vector<std::string> words;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string w = "w";
    w.append(std::to_string(rng() % 500)).append(rng() % 20, 'x');
    words.push_back(w);
  }
  std::map<std::string, long> counts;
  for (auto& w : words) counts[w]++;
  std::map<long, long> countOfCounts;
  for (auto& [w, c] : counts) countOfCounts[c]++;
  auto wc = sc->parallelize(words, 6)
                .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
                .reduceByKey(std::plus<>(), 4);
  auto got = wc.collect();
  EXPECT_EQ((std::map<std::string, long>(got.begin(), got.end())), counts);
  // A second shuffle on the first one's output, and the first one reused by another job.
  auto cc = wc.map([](const std::pair<std::string, long>& p) {
                return std::pair<long, long>(p.second, 1);
              })
                .reduceByKey(std::plus<>(), 3)
                .collect();
  EXPECT_EQ((std::map<long, long>(cc.begin(), cc.end())), countOfCounts);
  EXPECT_EQ(wc.count(), long(counts.size()));
}

TEST(Shuffle, ExchangeInManySmallRounds) {
  // A 64-byte round limit forces the multi-round all-to-all path (as a >2 GiB exchange would).
  auto sc = makeContext({{"kiln.shuffle.maxExchangeRoundBytes", "64"}});
  auto data = skewedPairs(5000, 400, 12);
  auto got = sc->parallelize(data, 5).reduceByKey(std::plus<>(), 6).collect();
  EXPECT_EQ(asMap(got), referenceSums(data));
  auto grouped = sc->parallelize(data, 5)
                     .groupByKey(2)
                     .mapValues([](const std::vector<long>& v) { return long(v.size()); })
                     .collect();
  std::map<int, long> sizes;
  for (auto& [k, v] : data) sizes[k]++;
  EXPECT_EQ(asMap(grouped), sizes);
}

TEST(Shuffle, MorePartitionsThanKeys) {
  auto sc = makeContext();
  auto got = sc->parallelize(std::vector<KV>{{1, 1}, {1, 2}}, 3).reduceByKey(std::plus<>(), 50);
  EXPECT_EQ(got.getNumPartitions(), 50);
  EXPECT_EQ(got.collect(), (std::vector<KV>{{1, 3}}));
}

TEST(Shuffle, EmptyMapStageStillRunsItsReduceSide) {
  auto sc = makeContext();
  TempDir dir;  // an empty directory is an empty input with no partitions at all
  auto counts = sc->textFile(dir.path())
                    .map([](const std::string& l) { return std::pair<std::string, long>(l, 1); })
                    .reduceByKey(std::plus<>(), 3);
  EXPECT_EQ(counts.count(), 0);
  EXPECT_TRUE(counts.collect().empty());
}

TEST(Shuffle, DeepLineagesWithSharedParentsScheduleQuickly) {
  auto sc = makeContext();
  auto start = std::chrono::steady_clock::now();
  auto x = sc->parallelize(std::vector<KV>{{1, 1}, {2, 2}, {1, 3}}, 2);
  // Each level uses x twice: walking the lineage naively doubles per level.
  for (int i = 0; i < 30; ++i) {
    auto a = x.reduceByKey(std::plus<>(), 2);
    auto b = x.reduceByKey([](long u, long v) { return std::max(u, v); }, 2);
    x = a.union_(b);
  }
  EXPECT_GT(x.count(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(Shuffle, DefaultPartitionCount) {
  auto sc = makeContext();
  auto rdd = sc->parallelize(std::vector<KV>{{1, 1}}, 7);
  EXPECT_EQ(rdd.reduceByKey(std::plus<>()).getNumPartitions(), 7);  // the parent's
  auto sc2 = makeContext({{"kiln.default.parallelism", "3"}});
  EXPECT_EQ(sc2->parallelize(std::vector<KV>{{1, 1}}, 7).groupByKey().getNumPartitions(), 3);
}

// The reduce side of a shuffle of fixed-size records says how many will come (BlockSink::expect),
// so a consumer that gathers the partition (the sort) sizes its buffer once. The hint must pass
// the task metrics' counting sinks between the operators: it once stopped there unnoticed.
TEST(Shuffle, ReaderTellsItsConsumerHowManyRecordsFollow) {
  auto sc = makeContext();
  std::vector<KV> data;
  for (int i = 0; i < 5000; ++i) data.push_back({i * 7919 % 1000, i});
  auto shuffled = sc->parallelize(data, 4).partitionBy(3);
  class HintSink final : public detail::BlockSink<KV> {
   public:
    void push(std::span<KV> block) override { records += block.size(); }
    void expect(size_t n) override { hint = int64_t(n); }
    int64_t hint = -1;
    uint64_t records = 0;
  };
  auto node = shuffled.node();
  auto results = node->runtime().runJob(*node, {0, 1, 2}, [node](int p) {
    HintSink sink;
    node->compute(p, sink);
    ByteBuffer out;
    out.put(sink.hint);
    out.put(sink.records);
    return out;
  });
  uint64_t total = 0;
  for (const auto& r : results) {
    ByteReader in(r.span());
    const auto hint = in.get<int64_t>();
    const auto records = in.get<uint64_t>();
    EXPECT_EQ(hint, int64_t(records));
    total += records;
  }
  EXPECT_EQ(total, data.size());
}

}  // namespace
}  // namespace kiln::test
