// Conformance: pair-RDD operations, from the examples in Spark's API documentation (PySpark
// docstrings: input, call, expected output) and its documented rules, plus edge cases.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

using SI = std::pair<std::string, int>;
template <class T>
using Vec = std::vector<T>;

TEST(ConformancePairs, JoinFamilyFromSparkDocs) {
  auto sc = makeContext();
  auto x = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 4}});
  auto y = sc->parallelize(Vec<SI>{{"a", 2}, {"a", 3}});
  // sorted(x.join(y).collect()) == [('a', (1, 2)), ('a', (1, 3))]
  EXPECT_EQ(sorted(x.join(y).collect()),
            (Vec<std::pair<std::string, std::pair<int, int>>>{{"a", {1, 2}}, {"a", {1, 3}}}));
  // sorted(x.leftOuterJoin(y).collect()) == [('a', (1, 2)), ('a', (1, 3)), ('b', (4, None))]
  using L = std::pair<std::string, std::pair<int, std::optional<int>>>;
  EXPECT_EQ(sorted(x.leftOuterJoin(y).collect()),
            (Vec<L>{{"a", {1, 2}}, {"a", {1, 3}}, {"b", {4, std::nullopt}}}));
  // sorted(y.rightOuterJoin(x).collect()) == [('a', (2, 1)), ('a', (3, 1)), ('b', (None, 4))]
  using R = std::pair<std::string, std::pair<std::optional<int>, int>>;
  EXPECT_EQ(sorted(y.rightOuterJoin(x).collect()),
            (Vec<R>{{"a", {2, 1}}, {"a", {3, 1}}, {"b", {std::nullopt, 4}}}));
  // x.fullOuterJoin(y) with y = [("a", 2), ("c", 8)]:
  // [('a', (1, 2)), ('b', (4, None)), ('c', (None, 8))]
  auto y2 = sc->parallelize(Vec<SI>{{"a", 2}, {"c", 8}});
  using F = std::pair<std::string, std::pair<std::optional<int>, std::optional<int>>>;
  EXPECT_EQ(sorted(x.fullOuterJoin(y2).collect()),
            (Vec<F>{{"a", {1, 2}}, {"b", {4, std::nullopt}}, {"c", {std::nullopt, 8}}}));
}

TEST(ConformancePairs, CogroupGroupWithSubtractByKey) {
  auto sc = makeContext();
  auto x = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 4}});
  auto y = sc->parallelize(Vec<SI>{{"a", 2}});
  // [(x, tuple(map(list, y))) for x, y in sorted(list(x.cogroup(y).collect()))]
  //   == [('a', ([1], [2])), ('b', ([4], []))]
  using G = std::pair<std::string, std::pair<Vec<int>, Vec<int>>>;
  EXPECT_EQ(sorted(x.cogroup(y).collect()), (Vec<G>{{"a", {{1}, {2}}}, {"b", {{4}, {}}}}));
  // w.groupWith(x, y) with w = [("a", 5), ("b", 6)]: a -> ([5], [1], [2]), b -> ([6], [4], [])
  auto w = sc->parallelize(Vec<SI>{{"a", 5}, {"b", 6}});
  using G3 = std::pair<std::string, std::tuple<Vec<int>, Vec<int>, Vec<int>>>;
  EXPECT_EQ(sorted(w.groupWith(x, y).collect()),
            (Vec<G3>{{"a", {{5}, {1}, {2}}}, {"b", {{6}, {4}, {}}}}));
  // x.subtractByKey(y) with x = [("a", 1), ("b", 4), ("b", 5), ("a", 2)], y = [("a", 3), ("c", 0)]
  //   == [('b', 4), ('b', 5)]
  auto xs = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 4}, {"b", 5}, {"a", 2}});
  auto ys = sc->parallelize(Vec<SI>{{"a", 3}, {"c", 0}});
  EXPECT_EQ(sorted(xs.subtractByKey(ys).collect()), (Vec<SI>{{"b", 4}, {"b", 5}}));
}

TEST(ConformancePairs, AggregationsFromSparkDocs) {
  auto sc = makeContext();
  auto rdd = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 1}, {"a", 1}});
  EXPECT_EQ(sorted(rdd.reduceByKey(std::plus<>()).collect()), (Vec<SI>{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(sorted(rdd.foldByKey(0, std::plus<>()).collect()), (Vec<SI>{{"a", 2}, {"b", 1}}));
  auto local = rdd.reduceByKeyLocally(std::plus<>());
  EXPECT_EQ((std::map<std::string, int>(local.begin(), local.end())),
            (std::map<std::string, int>{{"a", 2}, {"b", 1}}));
  // sorted(rdd.groupByKey().mapValues(list).collect()) == [('a', [1, 1]), ('b', [1])]
  EXPECT_EQ(sorted(rdd.groupByKey().collect()),
            (Vec<std::pair<std::string, Vec<int>>>{{"a", {1, 1}}, {"b", {1}}}));
  // combineByKey(to_list, append, extend) on [("a", 1), ("b", 1), ("a", 2)]
  //   == [('a', [1, 2]), ('b', [1])]
  auto x = sc->parallelize(Vec<SI>{{"a", 1}, {"b", 1}, {"a", 2}});
  auto lists = x.combineByKey([](int v) { return Vec<int>{v}; },
                              [](Vec<int> l, int v) {
                                l.push_back(v);
                                return l;
                              },
                              [](Vec<int> a, Vec<int> b) {
                                a.insert(a.end(), b.begin(), b.end());
                                return a;
                              });
  EXPECT_EQ(sorted(lists.collect()),
            (Vec<std::pair<std::string, Vec<int>>>{{"a", {1, 2}}, {"b", {1}}}));
  // aggregateByKey((0, 0), seq, comb) == [('a', (3, 2)), ('b', (1, 1))]
  using P = std::pair<int, int>;
  auto agg = x.aggregateByKey(
      P{0, 0},
      [](P a, int v) {
        return P{a.first + v, a.second + 1};
      },
      [](P a, P b) {
        return P{a.first + b.first, a.second + b.second};
      });
  EXPECT_EQ(sorted(agg.collect()), (Vec<std::pair<std::string, P>>{{"a", {3, 2}}, {"b", {1, 1}}}));
  // countByKey, countByValue, collectAsMap, keys, values
  auto cbk = rdd.countByKey();
  EXPECT_EQ((std::map<std::string, long>(cbk.begin(), cbk.end())),
            (std::map<std::string, long>{{"a", 2}, {"b", 1}}));
  auto cbv = sc->parallelize(Vec<int>{1, 2, 1, 2, 2}, 2).countByValue();
  EXPECT_EQ((std::map<int, long>(cbv.begin(), cbv.end())), (std::map<int, long>{{1, 2}, {2, 3}}));
  auto m = sc->parallelize(Vec<std::pair<int, int>>{{1, 2}, {3, 4}}).collectAsMap();
  EXPECT_EQ(m.at(1), 2);
  EXPECT_EQ(m.at(3), 4);
  EXPECT_EQ(sc->parallelize(Vec<std::pair<int, int>>{{1, 2}, {3, 4}}).keys().collect(),
            (Vec<int>{1, 3}));
  EXPECT_EQ(sc->parallelize(Vec<std::pair<int, int>>{{1, 2}, {3, 4}}).values().collect(),
            (Vec<int>{2, 4}));
}

TEST(ConformancePairs, LookupFromSparkDocs) {
  auto sc = makeContext();
  Vec<std::pair<int, int>> pairs;
  for (int i = 0; i < 1000; ++i) pairs.emplace_back(i, i);
  auto rdd = sc->parallelize(pairs, 10);
  EXPECT_EQ(rdd.lookup(42), Vec<int>{42});
  auto partitioned = rdd.partitionBy(7);
  EXPECT_EQ(partitioned.lookup(42), Vec<int>{42});  // computes only key 42's partition
  EXPECT_EQ(partitioned.lookup(1024), Vec<int>{});
  // rdd2 = sc.parallelize([(('a', 'b'), 'c')]).groupByKey(); list(rdd2.lookup(('a', 'b'))[0])
  using Key = std::pair<std::string, std::string>;
  auto rdd2 = sc->parallelize(Vec<std::pair<Key, std::string>>{{{"a", "b"}, "c"}}).groupByKey();
  EXPECT_EQ(rdd2.lookup({"a", "b"}), (Vec<Vec<std::string>>{{"c"}}));
}

TEST(ConformancePairs, PartitionersAndShuffleAvoidance) {
  auto sc = makeContext();
  // pairs.partitionBy(2): no key in both partitions.
  auto pairs = sc->parallelize(Vec<int>{1, 2, 3, 4, 2, 4, 1}).map([](int x) {
    return std::pair<int, int>(x, x);
  });
  auto parts = pairs.partitionBy(2).glom().collect();
  std::set<std::pair<int, int>> p0(parts[0].begin(), parts[0].end()),
      p1(parts[1].begin(), parts[1].end());
  for (auto& kv : p0) EXPECT_EQ(p1.count(kv), 0u);
  EXPECT_EQ(pairs.partitioner(), nullptr);
  auto byHash = pairs.partitionBy(3);
  ASSERT_NE(byHash.partitioner(), nullptr);
  EXPECT_EQ(byHash.partitioner()->numPartitions(), 3);
  // The same partitioning again is no shuffle: the same RDD comes back.
  EXPECT_EQ(byHash.partitionBy(3).id(), byHash.id());
  EXPECT_EQ(byHash.partitionBy(hashPartitioner<int>(3)).id(), byHash.id());
  // mapValues and filter keep the partitioner; map does not.
  EXPECT_NE(byHash.mapValues([](int v) { return v + 1; }).partitioner(), nullptr);
  EXPECT_NE(byHash.flatMapValues([](int v) { return Vec<int>{v, v}; }).partitioner(), nullptr);
  EXPECT_NE(byHash.filter([](const std::pair<int, int>& kv) { return kv.first > 1; }).partitioner(),
            nullptr);
  EXPECT_EQ(byHash.map([](const std::pair<int, int>& kv) { return kv; }).partitioner(), nullptr);
  auto same = [](Vec<std::pair<int, int>>& part) { return part; };
  EXPECT_EQ(byHash.mapPartitions(same).partitioner(), nullptr);
  EXPECT_NE(byHash.mapPartitions(same, true).partitioner(), nullptr);
  // reduceByKey on an RDD partitioned the same way keeps its partitioning and is right.
  auto reduced = byHash.reduceByKey(std::plus<>());
  EXPECT_TRUE(reduced.partitioner()->equals(*byHash.partitioner()));
  EXPECT_EQ(sorted(reduced.collect()), (Vec<std::pair<int, int>>{{1, 2}, {2, 4}, {3, 3}, {4, 8}}));
  // A user-defined partitioner: even keys to 0, odd to 1.
  auto evenOdd = makePartitioner<int>(2, [](int k) { return k % 2; });
  auto eo = pairs.partitionBy(evenOdd).glom().collect();
  for (auto& kv : eo[0]) EXPECT_EQ(kv.first % 2, 0);
  for (auto& kv : eo[1]) EXPECT_EQ(kv.first % 2, 1);
  // A range partitioner.
  auto range = std::make_shared<RangePartitioner<int>>(Vec<int>{1, 3});
  auto rp = pairs.partitionBy(range).glom().collect();
  ASSERT_EQ(rp.size(), 3u);
  for (auto& kv : rp[0]) EXPECT_LE(kv.first, 1);
  for (auto& kv : rp[1]) EXPECT_TRUE(kv.first > 1 && kv.first <= 3);
  for (auto& kv : rp[2]) EXPECT_GT(kv.first, 3);
  // A partitioner that answers out of range is an error naming it.
  struct Bad final : Partitioner<int> {
    int numPartitions() const override { return 2; }
    int getPartition(const int&) const override { return 5; }
    bool equals(const PartitionerBase&) const override { return false; }
  };
  EXPECT_THROW(pairs.partitionBy(std::make_shared<Bad>()).count(), JobFailed);
}

TEST(ConformancePairs, JoinsAgainstReferenceOnRandomSkewedData) {
  auto sc = makeContext();
  auto left = skewedPairs(3000, 60, 21), right = skewedPairs(500, 90, 22);
  std::multimap<int, long> r(right.begin(), right.end());
  Vec<std::pair<int, std::pair<long, long>>> inner;
  Vec<std::pair<int, std::pair<long, std::optional<long>>>> leftOuter;
  for (auto& [k, v] : left) {
    auto [b, e] = r.equal_range(k);
    if (b == e) leftOuter.push_back({k, {v, std::nullopt}});
    for (auto it = b; it != e; ++it) {
      inner.push_back({k, {v, it->second}});
      leftOuter.push_back({k, {v, it->second}});
    }
  }
  for (bool copartitioned : {false, true}) {
    auto a = sc->parallelize(left, 4), b = sc->parallelize(right, 3);
    if (copartitioned) {  // both inputs already hash-partitioned the same way: no shuffle
      a = a.partitionBy(5);
      b = b.partitionBy(5);
    }
    EXPECT_EQ(sorted(a.join(b).collect()), sorted(inner));
    EXPECT_EQ(sorted(a.leftOuterJoin(b).collect()), sorted(leftOuter));
    EXPECT_EQ(a.join(b, 7).getNumPartitions(), 7);
    std::set<int> rightKeys;
    for (auto& kv : right) rightKeys.insert(kv.first);
    Vec<std::pair<int, long>> sub;
    for (auto& kv : left)
      if (!rightKeys.count(kv.first)) sub.push_back(kv);
    EXPECT_EQ(sorted(a.subtractByKey(b).collect()), sorted(sub));
  }
  // Empty sides.
  auto empty = sc->parallelize(Vec<std::pair<int, long>>{}, 2);
  EXPECT_TRUE(sc->parallelize(left, 2).join(empty).collect().empty());
  EXPECT_EQ(sc->parallelize(left, 2).leftOuterJoin(empty).count(), long(left.size()));
}

TEST(ConformancePairs, ToDebugStringShowsLineageAndShuffles) {
  auto sc = makeContext();
  auto counts = sc->parallelize(Vec<std::string>{"a", "b", "a"}, 2)
                    .map([](const std::string& w) { return SI(w, 1); })
                    .reduceByKey(std::plus<>(), 3);
  counts.cache();
  std::string s = counts.toDebugString();
  // (3) reduceByKey[2] [MEMORY_ONLY]
  //  +-(2) map[1]
  //     |  parallelize[0]
  EXPECT_NE(s.find("(3) reduceByKey[" + std::to_string(counts.id()) + "] [MEMORY_ONLY]"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\n +-(2) map["), std::string::npos) << s;
  EXPECT_NE(s.find("\n    |  parallelize["), std::string::npos) << s;
  // Partitioned the same way already: no shuffle, so no "+-" below the aggregation.
  auto again = counts.reduceByKey(std::plus<>());
  std::string t = again.toDebugString();
  EXPECT_EQ(t.find("+-", 0), t.find("+-(2) map[")) << t;
}

}  // namespace
}  // namespace kiln::test
