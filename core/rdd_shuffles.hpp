// Definitions of RDD's shuffle transformations (declared and documented in rdd.hpp).
#pragma once

#include "nodes/map_partitions_node.hpp"
#include "nodes/shuffled_node.hpp"
#include "rdd.hpp"

namespace kiln {

template <class T>
int RDD<T>::shufflePartitions(int requested, const char* op) const {
  if (requested < 0)
    throw Error(std::string(op) + ": number of partitions (" + std::to_string(requested) +
                ") must be positive");
  if (requested > 0) return requested;
  int configured = node_->runtime().options().defaultParallelism;
  return configured > 0 ? configured : std::max(1, node_->numPartitions());
}

namespace detail {
template <class K, class V, class C, class Agg>
auto makeShuffled(NodePtr<std::pair<K, V>> parent, int numPartitions, Agg agg, bool mapSideCombine,
                  const char* name) {
  auto dep = std::make_shared<PairShuffleDependency<K, V, C, Agg>>(std::move(parent), numPartitions,
                                                                   std::move(agg), mapSideCombine);
  return RDD<std::pair<K, C>>(std::make_shared<ShuffledNode<K, V, C, Agg>>(std::move(dep), name));
}
}  // namespace detail

template <class T>
template <class Create, class MergeValue, class MergeCombiners>
auto RDD<T>::combineByKey(Create createCombiner, MergeValue mergeValue,
                          MergeCombiners mergeCombiners, int numPartitions,
                          bool mapSideCombine) const {
  KILN_REQUIRE_PAIR("combineByKey");
  static_assert(std::is_invocable_v<Create&, V&&>,
                "kiln: combineByKey: createCombiner must accept the value type");
  using C = std::decay_t<std::invoke_result_t<Create&, V&&>>;
  static_assert(std::is_invocable_r_v<C, MergeValue&, C&&, V&&>,
                "kiln: combineByKey: mergeValue must be (C, V) -> C");
  static_assert(std::is_invocable_r_v<C, MergeCombiners&, C&&, C&&>,
                "kiln: combineByKey: mergeCombiners must be (C, C) -> C");
  using Agg = detail::Aggregator<Create, MergeValue, MergeCombiners>;
  return detail::makeShuffled<K, V, C>(
      node_, shufflePartitions(numPartitions, "combineByKey"),
      Agg{std::move(createCombiner), std::move(mergeValue), std::move(mergeCombiners)},
      mapSideCombine, "combineByKey");
}

template <class T>
template <class F>
RDD<T> RDD<T>::reduceByKey(F f, int numPartitions) const {
  KILN_REQUIRE_PAIR("reduceByKey");
  static_assert(std::is_invocable_r_v<V, F&, V&&, V&&>,
                "kiln: reduceByKey(f): f must be (V, V) -> V");
  auto create = [](V&& v) { return std::move(v); };
  auto merge = [f](V&& a, V&& b) { return V(f(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(merge), decltype(merge)>;
  return detail::makeShuffled<K, V, V>(node_, shufflePartitions(numPartitions, "reduceByKey"),
                                       Agg{create, merge, merge}, true, "reduceByKey");
}

template <class T>
template <class F>
RDD<T> RDD<T>::foldByKey(V zeroValue, F f, int numPartitions) const {
  KILN_REQUIRE_PAIR("foldByKey");
  static_assert(std::is_invocable_r_v<V, F&, V&&, V&&>,
                "kiln: foldByKey(zero, f): f must be (V, V) -> V");
  // As Spark: the zero value starts every key once per map partition.
  auto create = [zeroValue, f](V&& v) { return V(f(V(zeroValue), std::move(v))); };
  auto merge = [f](V&& a, V&& b) { return V(f(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(merge), decltype(merge)>;
  return detail::makeShuffled<K, V, V>(node_, shufflePartitions(numPartitions, "foldByKey"),
                                       Agg{create, merge, merge}, true, "foldByKey");
}

template <class T>
template <class U, class Seq, class Comb>
auto RDD<T>::aggregateByKey(U zeroValue, Seq seqOp, Comb combOp, int numPartitions) const {
  KILN_REQUIRE_PAIR("aggregateByKey");
  static_assert(std::is_invocable_r_v<U, Seq&, U&&, V&&>,
                "kiln: aggregateByKey: seqOp must be (U, V) -> U");
  static_assert(std::is_invocable_r_v<U, Comb&, U&&, U&&>,
                "kiln: aggregateByKey: combOp must be (U, U) -> U");
  auto create = [zeroValue, seqOp](V&& v) { return U(seqOp(U(zeroValue), std::move(v))); };
  auto mergeValue = [seqOp](U&& u, V&& v) { return U(seqOp(std::move(u), std::move(v))); };
  auto mergeCombiners = [combOp](U&& a, U&& b) { return U(combOp(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(mergeValue), decltype(mergeCombiners)>;
  return detail::makeShuffled<K, V, U>(node_, shufflePartitions(numPartitions, "aggregateByKey"),
                                       Agg{create, mergeValue, mergeCombiners}, true,
                                       "aggregateByKey");
}

template <class T>
auto RDD<T>::groupByKey(int numPartitions) const {
  KILN_REQUIRE_PAIR("groupByKey");
  // As Spark: no map-side combine, which would not shrink the data.
  auto create = [](V&& v) { return std::vector<V>{std::move(v)}; };
  auto mergeValue = [](std::vector<V>&& c, V&& v) {
    c.push_back(std::move(v));
    return std::move(c);
  };
  auto mergeCombiners = [](std::vector<V>&& a, std::vector<V>&& b) {
    a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
    return std::move(a);
  };
  using Agg = detail::Aggregator<decltype(create), decltype(mergeValue), decltype(mergeCombiners)>;
  return detail::makeShuffled<K, V, std::vector<V>>(
      node_, shufflePartitions(numPartitions, "groupByKey"),
      Agg{create, mergeValue, mergeCombiners}, false, "groupByKey");
}

template <class T>
RDD<T> RDD<T>::partitionBy(int numPartitions) const {
  KILN_REQUIRE_PAIR("partitionBy");
  if (numPartitions <= 0)
    throw Error("partitionBy: number of partitions (" + std::to_string(numPartitions) +
                ") must be positive");
  return detail::makeShuffled<K, V, V>(node_, numPartitions, detail::NoAggregation{}, false,
                                       "partitionBy");
}

template <class T>
RDD<T> RDD<T>::repartition(int numPartitions) const {
  if (numPartitions <= 0)
    throw Error("repartition: number of partitions (" + std::to_string(numPartitions) +
                ") must be positive");
  // As Spark: each partition deals its records round-robin, starting at a position derived
  // from its index, so output partitions get near-equal shares.
  auto deal = [numPartitions](int index, std::vector<T>& part) {
    std::vector<std::pair<int, T>> out;
    out.reserve(part.size());
    uint64_t x = uint64_t(index) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    x ^= x >> 31;
    int position = int(x % uint64_t(numPartitions));
    for (auto& v : part) {
      out.emplace_back(position, std::move(v));
      position = (position + 1) % numPartitions;
    }
    return out;
  };
  using Keyed = std::pair<int, T>;
  RDD<Keyed> keyed(std::make_shared<detail::MapPartitionsNode<T, Keyed, decltype(deal)>>(
      node_, deal, "repartition"));
  auto shuffled = detail::makeShuffled<int, T, T>(keyed.node(), numPartitions,
                                                  detail::NoAggregation{}, false, "repartition");
  return shuffled.values();
}

}  // namespace kiln
