// Definitions of coalesce and the zips (declared and documented in rdd.hpp).
#pragma once

#include "nodes/coalesced_node.hpp"
#include "nodes/map_partitions_node.hpp"
#include "nodes/routing_shuffle.hpp"
#include "nodes/zip_partitions_node.hpp"
#include "rdd.hpp"

namespace kiln {

template <class T>
RDD<T> RDD<T>::coalesce(int numPartitions, bool shuffle) const {
  if (numPartitions <= 0)
    throw Error("coalesce: number of partitions (" + std::to_string(numPartitions) +
                ") must be positive");
  if (shuffle) return repartition(numPartitions);
  const int n = getNumPartitions();
  if (numPartitions >= n) return *this;
  // Group j is the consecutive run [j*n/k, (j+1)*n/k), as Spark groups partitions without
  // locality preferences.
  std::vector<int> starts;
  for (int j = 0; j <= numPartitions; ++j) starts.push_back(int(int64_t(j) * n / numPartitions));
  bool anywhere = true;
  const int e = node_->runtime().numExecutors();
  for (int i = 0; i < n && anywhere; ++i) anywhere = node_->location(i, e) < 0;
  if (anywhere) return RDD<T>(std::make_shared<detail::CoalescedNode<T>>(node_, std::move(starts)));
  // The partitions live on different executors: route each whole partition to its group. Order
  // is kept (segments are read in map-partition order), so the result is the same as above.
  auto route = [starts](int i) {
    int g = int(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin()) - 1;
    return std::vector<int>{g};
  };
  auto dep = std::make_shared<detail::RoutingShuffleDependency<T>>(node_, numPartitions, route);
  return RDD<T>(std::make_shared<detail::RoutedNode<T>>(std::move(dep), numPartitions, "coalesce"));
}

template <class T>
template <class U, class F>
auto RDD<T>::zipPartitions(const RDD<U>& other, F f) const {
  static_assert(std::is_invocable_v<const F&, std::vector<T>&, std::vector<U>&>,
                "kiln: zipPartitions(other, f): f must accept (std::vector<T>&, std::vector<U>&)");
  using Out = detail::RangeValue<std::invoke_result_t<const F&, std::vector<T>&, std::vector<U>&>>;
  return RDD<Out>(std::make_shared<detail::ZipPartitionsNode<T, U, Out, F>>(
      node_, other.node(), std::move(f), "zipPartitions"));
}

template <class T>
template <class U>
RDD<std::pair<T, U>> RDD<T>::zip(const RDD<U>& other) const {
  auto pairUp = [](std::vector<T>& a, std::vector<U>& b) {
    if (a.size() != b.size())
      throw Error("zip: can only zip RDDs with the same number of elements in each partition (" +
                  std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ")");
    std::vector<std::pair<T, U>> out;
    out.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) out.emplace_back(std::move(a[i]), std::move(b[i]));
    return out;
  };
  return RDD<std::pair<T, U>>(
      std::make_shared<detail::ZipPartitionsNode<T, U, std::pair<T, U>, decltype(pairUp)>>(
          node_, other.node(), pairUp, "zip"));
}

template <class T>
RDD<std::pair<T, long>> RDD<T>::zipWithIndex() const {
  // Start index of each partition: a job counting them (skipped for one partition).
  std::vector<long> starts(size_t(getNumPartitions()) + 1, 0);
  if (getNumPartitions() > 1) {
    auto counts = partitionCounts();
    for (size_t i = 0; i < counts.size(); ++i) starts[i + 1] = starts[i] + counts[i];
  }
  auto number = [starts](int p, std::vector<T>& part) {
    std::vector<std::pair<T, long>> out;
    out.reserve(part.size());
    long i = starts[size_t(p)];
    for (T& x : part) out.emplace_back(std::move(x), i++);
    return out;
  };
  return RDD<std::pair<T, long>>(
      std::make_shared<detail::MapPartitionsNode<T, std::pair<T, long>, decltype(number)>>(
          node_, number, "zipWithIndex"));
}

template <class T>
RDD<std::pair<T, long>> RDD<T>::zipWithUniqueId() const {
  const long n = getNumPartitions();
  auto number = [n](int p, std::vector<T>& part) {
    std::vector<std::pair<T, long>> out;
    out.reserve(part.size());
    long k = 0;
    for (T& x : part) out.emplace_back(std::move(x), k++ * n + p);
    return out;
  };
  return RDD<std::pair<T, long>>(
      std::make_shared<detail::MapPartitionsNode<T, std::pair<T, long>, decltype(number)>>(
          node_, number, "zipWithUniqueId"));
}

}  // namespace kiln
