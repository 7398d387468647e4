// Definitions of RDD's cogroup and joins (declared and documented in rdd.hpp). Every join is a
// cogroup followed by a per-key expansion, as in Spark.
#pragma once

#include "default_partitioner.hpp"
#include "nodes/cogroup_node.hpp"
#include "nodes/map_node.hpp"
#include "rdd.hpp"

namespace kiln {

namespace detail {
template <class K, class... Vs>
auto makeCoGroup(int configuredDefault, const Partitioning<K>& partitions,
                 const NodePtr<std::pair<K, Vs>>&... parents) {
  auto part =
      resolvePartitioner<K>(partitions, {shapeOf(parents)...}, configuredDefault, "cogroup");
  return RDD<std::pair<K, std::tuple<std::vector<Vs>...>>>(
      std::make_shared<CoGroupNode<K, Vs...>>(std::make_tuple(parents...), std::move(part)));
}
}  // namespace detail

template <class T>
template <class W>
RDD<std::pair<typename RDD<T>::K, std::pair<std::vector<typename RDD<T>::V>, std::vector<W>>>>
RDD<T>::cogroup(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("cogroup");
  auto grouped = detail::makeCoGroup<K, V, W>(node_->runtime().options().defaultParallelism,
                                              partitions, node_, other.node());
  using Groups = std::tuple<std::vector<V>, std::vector<W>>;
  auto toPair = [](std::pair<K, Groups>& kv) {
    return std::pair<K, std::pair<std::vector<V>, std::vector<W>>>(
        std::move(kv.first),
        {std::move(std::get<0>(kv.second)), std::move(std::get<1>(kv.second))});
  };
  using Out = std::pair<K, std::pair<std::vector<V>, std::vector<W>>>;
  return RDD<Out>(std::make_shared<detail::MapNode<std::pair<K, Groups>, Out, decltype(toPair)>>(
      grouped.node(), toPair, "cogroup", true));
}

template <class T>
template <class W1, class W2>
RDD<std::pair<typename RDD<T>::K,
              std::tuple<std::vector<typename RDD<T>::V>, std::vector<W1>, std::vector<W2>>>>
RDD<T>::cogroup(const RDD<std::pair<K, W1>>& other1, const RDD<std::pair<K, W2>>& other2,
                Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("cogroup");
  return detail::makeCoGroup<K, V, W1, W2>(node_->runtime().options().defaultParallelism,
                                           partitions, node_, other1.node(), other2.node());
}

template <class T>
template <class W>
RDD<std::pair<typename RDD<T>::K, std::pair<typename RDD<T>::V, W>>> RDD<T>::join(
    const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("join");
  return cogroup(other, partitions)
      .flatMapValues([](const std::pair<std::vector<V>, std::vector<W>>& g) {
        std::vector<std::pair<V, W>> out;
        out.reserve(g.first.size() * g.second.size());
        for (const V& v : g.first)
          for (const W& w : g.second) out.emplace_back(v, w);
        return out;
      });
}

template <class T>
template <class W>
RDD<std::pair<typename RDD<T>::K, std::pair<typename RDD<T>::V, std::optional<W>>>>
RDD<T>::leftOuterJoin(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("leftOuterJoin");
  return cogroup(other, partitions)
      .flatMapValues([](const std::pair<std::vector<V>, std::vector<W>>& g) {
        std::vector<std::pair<V, std::optional<W>>> out;
        for (const V& v : g.first) {
          if (g.second.empty()) out.emplace_back(v, std::nullopt);
          for (const W& w : g.second) out.emplace_back(v, w);
        }
        return out;
      });
}

template <class T>
template <class W>
RDD<std::pair<typename RDD<T>::K, std::pair<std::optional<typename RDD<T>::V>, W>>>
RDD<T>::rightOuterJoin(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("rightOuterJoin");
  return cogroup(other, partitions)
      .flatMapValues([](const std::pair<std::vector<V>, std::vector<W>>& g) {
        std::vector<std::pair<std::optional<V>, W>> out;
        for (const W& w : g.second) {
          if (g.first.empty()) out.emplace_back(std::nullopt, w);
          for (const V& v : g.first) out.emplace_back(v, w);
        }
        return out;
      });
}

template <class T>
template <class W>
RDD<std::pair<typename RDD<T>::K, std::pair<std::optional<typename RDD<T>::V>, std::optional<W>>>>
RDD<T>::fullOuterJoin(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("fullOuterJoin");
  return cogroup(other, partitions)
      .flatMapValues([](const std::pair<std::vector<V>, std::vector<W>>& g) {
        std::vector<std::pair<std::optional<V>, std::optional<W>>> out;
        if (g.first.empty())
          for (const W& w : g.second) out.emplace_back(std::nullopt, w);
        else if (g.second.empty())
          for (const V& v : g.first) out.emplace_back(v, std::nullopt);
        else
          for (const V& v : g.first)
            for (const W& w : g.second) out.emplace_back(v, w);
        return out;
      });
}

template <class T>
template <class W>
RDD<T> RDD<T>::subtractByKey(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions) const {
  KILN_REQUIRE_PAIR("subtractByKey");
  return cogroup(other, partitions).flatMapValues([](std::pair<std::vector<V>, std::vector<W>>& g) {
    return g.second.empty() ? std::move(g.first) : std::vector<V>{};
  });
}

}  // namespace kiln
