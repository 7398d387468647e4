// Definitions of RDD's narrow transformations (declared and documented in rdd.hpp).
#pragma once

#include "nodes/filter_node.hpp"
#include "nodes/flat_map_node.hpp"
#include "nodes/map_batches_node.hpp"
#include "nodes/map_node.hpp"
#include "nodes/map_partitions_node.hpp"
#include "nodes/union_node.hpp"
#include "rdd.hpp"

namespace kiln {

template <class T>
template <class F>
auto RDD<T>::map(F f) const {
  static_assert(std::is_invocable_v<const F&, T&>,
                "kiln: map(f): f must accept the element type (const T&) and not be mutable "
                "(tasks share it across threads)");
  using U = std::decay_t<std::invoke_result_t<const F&, T&>>;
  static_assert(!std::is_void_v<U>,
                "kiln: map(f): f must return a value (use foreach for side effects)");
  return RDD<U>(std::make_shared<detail::MapNode<T, U, F>>(node_, std::move(f)));
}

template <class T>
template <class F>
auto RDD<T>::flatMap(F f) const {
  static_assert(std::is_invocable_v<const F&, T&>,
                "kiln: flatMap(f): f must accept the element type (const T&) and not be mutable");
  using R = std::invoke_result_t<const F&, T&>;
  static_assert(
      detail::Iterable<R>,
      "kiln: flatMap(f): f must return something iterable (a vector, kiln::split(...), ...)");
  using U = detail::RangeValue<R>;
  return RDD<U>(std::make_shared<detail::FlatMapNode<T, U, F>>(node_, std::move(f)));
}

template <class T>
template <class F>
RDD<T> RDD<T>::filter(F f) const {
  static_assert(std::is_invocable_r_v<bool, const F&, const T&>,
                "kiln: filter(f): f must accept const T&, return bool, and not be mutable");
  return RDD<T>(std::make_shared<detail::FilterNode<T, F>>(node_, std::move(f)));
}

template <class T>
template <class F>
auto RDD<T>::mapPartitionsWithIndex(F f, bool preservesPartitioning) const {
  static_assert(std::is_invocable_v<F&, int, std::vector<T>&>,
                "kiln: mapPartitionsWithIndex(f): f must accept (int, std::vector<T>&)");
  using U = detail::RangeValue<std::invoke_result_t<F&, int, std::vector<T>&>>;
  return RDD<U>(std::make_shared<detail::MapPartitionsNode<T, U, F>>(
      node_, std::move(f), "mapPartitionsWithIndex", preservesPartitioning));
}

template <class T>
template <class F>
auto RDD<T>::mapBatches(F f) const {
  static_assert(std::is_invocable_v<const F&, std::span<const T>>,
                "kiln: mapBatches(f): f must accept std::span<const T> and not be mutable");
  using R = std::invoke_result_t<const F&, std::span<const T>>;
  static_assert(detail::Iterable<R>,
                "kiln: mapBatches(f): f must return something iterable (e.g. a vector of blocks)");
  using U = detail::RangeValue<R>;
  return RDD<U>(std::make_shared<detail::MapBatchesNode<T, U, F>>(node_, std::move(f)));
}

template <class T>
template <class F>
auto RDD<T>::mapPartitions(F f, bool preservesPartitioning) const {
  static_assert(std::is_invocable_v<F&, std::vector<T>&>,
                "kiln: mapPartitions(f): f must accept std::vector<T>&");
  auto g = [f = std::move(f)](int, std::vector<T>& part) { return f(part); };
  using U = detail::RangeValue<std::invoke_result_t<F&, std::vector<T>&>>;
  return RDD<U>(std::make_shared<detail::MapPartitionsNode<T, U, decltype(g)>>(
      node_, std::move(g), "mapPartitions", preservesPartitioning));
}

template <class T>
template <class F>
auto RDD<T>::mapValues(F f) const {
  KILN_REQUIRE_PAIR("mapValues");
  static_assert(std::is_invocable_v<F&, V&>, "kiln: mapValues(f): f must accept the value type");
  using W = std::decay_t<std::invoke_result_t<F&, V&>>;
  auto g = [f = std::move(f)](T& kv) { return std::pair<K, W>(kv.first, f(kv.second)); };
  return RDD<std::pair<K, W>>(std::make_shared<detail::MapNode<T, std::pair<K, W>, decltype(g)>>(
      node_, std::move(g), "mapValues", true));
}

template <class T>
template <class F>
auto RDD<T>::flatMapValues(F f) const {
  KILN_REQUIRE_PAIR("flatMapValues");
  static_assert(std::is_invocable_v<F&, V&>,
                "kiln: flatMapValues(f): f must accept the value type");
  using W = detail::RangeValue<std::invoke_result_t<F&, V&>>;
  auto g = [f = std::move(f)](T& kv) {
    std::vector<std::pair<K, W>> out;
    for (auto&& w : f(kv.second)) out.emplace_back(kv.first, std::forward<decltype(w)>(w));
    return out;
  };
  return RDD<std::pair<K, W>>(
      std::make_shared<detail::FlatMapNode<T, std::pair<K, W>, decltype(g)>>(
          node_, std::move(g), "flatMapValues", true));
}

template <class T>
template <class F>
auto RDD<T>::keyBy(F f) const {
  static_assert(std::is_invocable_v<const F&, const T&>,
                "kiln: keyBy(f): f must accept const T& and not be mutable (tasks share it "
                "across threads)");
  using Key = std::decay_t<std::invoke_result_t<const F&, const T&>>;
  auto g = [f = std::move(f)](T& x) { return std::pair<Key, T>(f(std::as_const(x)), x); };
  return RDD<std::pair<Key, T>>(
      std::make_shared<detail::MapNode<T, std::pair<Key, T>, decltype(g)>>(node_, std::move(g),
                                                                           "keyBy"));
}

template <class T>
auto RDD<T>::keys() const {
  KILN_REQUIRE_PAIR("keys");
  auto g = [](T& kv) { return kv.first; };
  return RDD<K>(std::make_shared<detail::MapNode<T, K, decltype(g)>>(node_, g, "keys"));
}

template <class T>
auto RDD<T>::values() const {
  KILN_REQUIRE_PAIR("values");
  auto g = [](T& kv) { return std::move(kv.second); };
  return RDD<V>(std::make_shared<detail::MapNode<T, V, decltype(g)>>(node_, g, "values"));
}

template <class T>
RDD<T> RDD<T>::union_(const RDD<T>& other) const {
  return RDD<T>(
      std::make_shared<detail::UnionNode<T>>(std::vector<detail::NodePtr<T>>{node_, other.node_}));
}

template <class T>
RDD<std::vector<T>> RDD<T>::glom() const {
  auto g = [](int, std::vector<T>& part) { return std::vector<std::vector<T>>{std::move(part)}; };
  return RDD<std::vector<T>>(
      std::make_shared<detail::MapPartitionsNode<T, std::vector<T>, decltype(g)>>(node_, g,
                                                                                  "glom"));
}

}  // namespace kiln
