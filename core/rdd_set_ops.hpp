// Definitions of RDD's set operations (declared and documented in rdd.hpp).
#pragma once

#include "nodes/cartesian_node.hpp"
#include "rdd.hpp"

namespace kiln {

template <class T>
RDD<T> RDD<T>::distinct(int numPartitions) const {
  // As Spark: map(x => (x, null)).reduceByKey((x, _) => x).map(_._1)
  return map([](const T& x) { return std::pair<T, char>(x, 0); })
      .reduceByKey([](char a, char) { return a; }, numPartitions)
      .keys();
}

template <class T>
RDD<T> RDD<T>::intersection(const RDD<T>& other, int numPartitions) const {
  auto tag = [](const T& x) { return std::pair<T, char>(x, 0); };
  return map(tag)
      .cogroup(other.map(tag), numPartitions)
      .filter([](const auto& kv) { return !kv.second.first.empty() && !kv.second.second.empty(); })
      .keys();
}

template <class T>
RDD<T> RDD<T>::subtract(const RDD<T>& other, int numPartitions) const {
  auto tag = [](const T& x) { return std::pair<T, char>(x, 0); };
  return map(tag).subtractByKey(other.map(tag), numPartitions).keys();
}

template <class T>
template <class U>
RDD<std::pair<T, U>> RDD<T>::cartesian(const RDD<U>& other) const {
  return RDD<std::pair<T, U>>(std::make_shared<detail::CartesianNode<T, U>>(node_, other.node()));
}

}  // namespace kiln
