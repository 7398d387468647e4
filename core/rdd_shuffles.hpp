// Definitions of RDD's shuffle transformations (declared and documented in rdd.hpp).
#pragma once

#include "default_partitioner.hpp"
#include "nodes/combine_locally_node.hpp"
#include "nodes/map_partitions_node.hpp"
#include "nodes/shuffled_node.hpp"
#include "rdd.hpp"

namespace kiln {

namespace detail {

template <class K, class V, class C, class Agg>
RDD<std::pair<K, C>> makeShuffled(NodePtr<std::pair<K, V>> parent,
                                  std::shared_ptr<const Partitioner<K>> partitioner, Agg agg,
                                  bool mapSideCombine, const char* name) {
  auto dep = std::make_shared<PairShuffleDependency<K, V, C, Agg>>(
      std::move(parent), std::move(partitioner), std::move(agg), mapSideCombine);
  return RDD<std::pair<K, C>>(std::make_shared<ShuffledNode<K, V, C, Agg>>(std::move(dep), name));
}

}  // namespace detail

template <class T>
std::shared_ptr<const Partitioner<typename RDD<T>::K>> RDD<T>::partitioner() const {
  KILN_REQUIRE_PAIR("partitioner");
  return std::dynamic_pointer_cast<const Partitioner<K>>(node_->partitioner());
}

template <class T>
template <class C, class Agg>
RDD<std::pair<typename RDD<T>::K, C>> RDD<T>::combineWith(Agg agg,
                                                          const Partitioning<K>& partitions,
                                                          bool mapSideCombine,
                                                          const char* name) const {
  auto part = detail::resolvePartitioner<K>(partitions, {detail::shapeOf(node_)},
                                            node_->runtime().options().defaultParallelism, name);
  // Already partitioned this way: every key is in one partition, combine in place.
  if (detail::samePartitioner(node_->partitioner().get(), part.get()))
    return RDD<std::pair<K, C>>(
        std::make_shared<detail::CombineLocallyNode<K, V, C, Agg>>(node_, std::move(agg), name));
  return detail::makeShuffled<K, V, C>(node_, std::move(part), std::move(agg), mapSideCombine,
                                       name);
}

template <class T>
template <class Create, class MergeValue, class MergeCombiners>
auto RDD<T>::combineByKey(Create createCombiner, MergeValue mergeValue,
                          MergeCombiners mergeCombiners, Partitioning<K> partitions,
                          bool mapSideCombine) const {
  KILN_REQUIRE_PAIR("combineByKey");
  static_assert(std::is_invocable_v<const Create&, V&&>,
                "kiln: combineByKey: createCombiner must accept the value type");
  using C = std::decay_t<std::invoke_result_t<const Create&, V&&>>;
  static_assert(std::is_invocable_r_v<C, const MergeValue&, C&&, V&&>,
                "kiln: combineByKey: mergeValue must be (C, V) -> C");
  static_assert(std::is_invocable_r_v<C, const MergeCombiners&, C&&, C&&>,
                "kiln: combineByKey: mergeCombiners must be (C, C) -> C");
  using Agg = detail::Aggregator<Create, MergeValue, MergeCombiners>;
  return combineWith<C>(
      Agg{std::move(createCombiner), std::move(mergeValue), std::move(mergeCombiners)}, partitions,
      mapSideCombine, "combineByKey");
}

template <class T>
template <class F>
RDD<T> RDD<T>::reduceByKey(F f, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("reduceByKey");
  static_assert(std::is_invocable_r_v<V, const F&, V&&, V&&>,
                "kiln: reduceByKey(f): f must be (V, V) -> V");
  auto create = [](V&& v) { return std::move(v); };
  auto merge = [f](V&& a, V&& b) { return V(f(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(merge), decltype(merge)>;
  return combineWith<V>(Agg{create, merge, merge}, partitions, true, "reduceByKey");
}

template <class T>
template <class F>
RDD<T> RDD<T>::foldByKey(V zeroValue, F f, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("foldByKey");
  static_assert(std::is_invocable_r_v<V, const F&, V&&, V&&>,
                "kiln: foldByKey(zero, f): f must be (V, V) -> V");
  // As Spark: the zero value starts every key once per map partition.
  auto create = [zeroValue, f](V&& v) { return V(f(V(zeroValue), std::move(v))); };
  auto merge = [f](V&& a, V&& b) { return V(f(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(merge), decltype(merge)>;
  return combineWith<V>(Agg{create, merge, merge}, partitions, true, "foldByKey");
}

template <class T>
template <class U, class Seq, class Comb>
auto RDD<T>::aggregateByKey(U zeroValue, Seq seqOp, Comb combOp, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("aggregateByKey");
  static_assert(std::is_invocable_r_v<U, const Seq&, U&&, V&&>,
                "kiln: aggregateByKey: seqOp must be (U, V) -> U");
  static_assert(std::is_invocable_r_v<U, const Comb&, U&&, U&&>,
                "kiln: aggregateByKey: combOp must be (U, U) -> U");
  auto create = [zeroValue, seqOp](V&& v) { return U(seqOp(U(zeroValue), std::move(v))); };
  auto mergeValue = [seqOp](U&& u, V&& v) { return U(seqOp(std::move(u), std::move(v))); };
  auto mergeCombiners = [combOp](U&& a, U&& b) { return U(combOp(std::move(a), std::move(b))); };
  using Agg = detail::Aggregator<decltype(create), decltype(mergeValue), decltype(mergeCombiners)>;
  return combineWith<U>(Agg{create, mergeValue, mergeCombiners}, partitions, true,
                        "aggregateByKey");
}

template <class T>
auto RDD<T>::groupByKey(Partitioning<K> partitions) const {
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
  return combineWith<std::vector<V>>(Agg{create, mergeValue, mergeCombiners}, partitions, false,
                                     "groupByKey");
}

template <class T>
RDD<T> RDD<T>::partitionBy(Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("partitionBy");
  if (!partitions.partitioner() && partitions.count() <= 0)
    throw Error("partitionBy: number of partitions (" + std::to_string(partitions.count()) +
                ") must be positive");
  auto part = detail::resolvePartitioner<K>(partitions, {}, 0, "partitionBy");
  if (detail::samePartitioner(node_->partitioner().get(), part.get())) return *this;
  return detail::makeShuffled<K, V, V>(node_, std::move(part), detail::NoAggregation{}, false,
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
      if (++position == numPartitions) position = 0;  // no division per record
    }
    return out;
  };
  using Keyed = std::pair<int, T>;
  RDD<Keyed> keyed(std::make_shared<detail::MapPartitionsNode<T, Keyed, decltype(deal)>>(
      node_, deal, "repartition"));
  auto shuffled = detail::makeShuffled<int, T, T>(
      keyed.node(), std::make_shared<HashPartitioner<int>>(numPartitions), detail::NoAggregation{},
      false, "repartition");
  return shuffled.values();
}

}  // namespace kiln
