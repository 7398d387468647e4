// Definitions of RDD's sorting operations (declared and documented in rdd.hpp).
#pragma once

#include <cmath>

#include "nodes/shuffled_node.hpp"
#include "nodes/sort_by_shuffle.hpp"
#include "nodes/sort_within_partitions_node.hpp"
#include "range_bounds.hpp"
#include "rdd.hpp"
#include "reservoir_sampler.hpp"

namespace kiln {

template <class T>
template <class Key, class KeyOf, class Less>
std::vector<Key> RDD<T>::sampleRangeBounds(KeyOf keyOf, int target, const Less& less) const {
  // Spark's sample sizes: about 20 keys per output partition, 3x oversampled per input one.
  const int inputs = std::max(1, getNumPartitions());
  const long perPartition = long(std::ceil(3.0 * std::min(20.0 * target, 1e6) / inputs));
  auto node = node_;
  auto samples = runJob(allPartitions(), [node, perPartition, keyOf](int p) {
    // Seeded by the partition: the same keys for any number of ranks.
    detail::ReservoirSampler<Key> sampler(size_t(perPartition), 0x5eedULL * uint64_t(p + 1));
    auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
      for (const T& x : block) sampler.offer(keyOf(x));
    });
    node->compute(p, sink);
    ByteBuffer out;
    out.put(sampler.seen());
    for (const Key& k : sampler.sample()) encode(out, k);
    return out;
  });
  std::vector<detail::WeightedKey<Key>> candidates;
  for (const auto& r : samples) {
    ByteReader in(r.span());
    auto seen = in.get<int64_t>();
    std::vector<Key> keys;
    while (!in.atEnd()) keys.push_back(decode<Key>(in));
    for (auto& k : keys) candidates.push_back({std::move(k), double(seen) / double(keys.size())});
  }
  return detail::determineBounds(std::move(candidates), target, less);
}

template <class T>
template <class Less>
RDD<T> RDD<T>::sortByRange(std::vector<K> bounds, bool ascending, Less less) const {
  auto partitioner =
      std::make_shared<RangePartitioner<K, Less>>(std::move(bounds), ascending, less);
  auto shuffled = detail::makeShuffled<K, V, V>(node_, partitioner, detail::NoAggregation{}, false,
                                                "sortByKey");
  return RDD<T>(std::make_shared<detail::SortWithinPartitionsNode<K, V, Less>>(shuffled.node(),
                                                                               ascending, less));
}

template <class T>
template <class Less>
RDD<T> RDD<T>::sortByKey(bool ascending, int numPartitions, Less less) const {
  KILN_REQUIRE_PAIR("sortByKey");
  static_assert(std::is_invocable_r_v<bool, const Less&, const K&, const K&>,
                "kiln: sortByKey needs keys ordered by operator< or a less-than comparator");
  if (numPartitions < 0) throw Error("sortByKey: number of partitions must be positive");
  const int target = numPartitions > 0 ? numPartitions : std::max(1, getNumPartitions());
  auto bounds =
      sampleRangeBounds<K>([](const T& kv) -> const K& { return kv.first; }, target, less);
  return sortByRange(std::move(bounds), ascending, less);
}

template <class T>
template <class F, class Less>
RDD<T> RDD<T>::sortBy(F keyFunc, bool ascending, int numPartitions, Less less) const {
  static_assert(std::is_invocable_v<const F&, const T&>,
                "kiln: sortBy(f): f must accept const T& and not be mutable (tasks share it "
                "across threads)");
  using Key = std::decay_t<std::invoke_result_t<const F&, const T&>>;
  static_assert(std::is_invocable_r_v<bool, const Less&, const Key&, const Key&>,
                "kiln: sortBy needs keys ordered by operator< or a less-than comparator");
  if (numPartitions < 0) throw Error("sortBy: number of partitions must be positive");
  const int target = numPartitions > 0 ? numPartitions : std::max(1, getNumPartitions());
  // The sample reads the keys off the records: no keyed copy of every record for it.
  auto bounds = sampleRangeBounds<Key>(keyFunc, target, less);
  if constexpr (detail::kSortsRecordsThemselves<T, F, Less>) {
    // Large records with small keys: shuffled and sorted as themselves, their keys computed
    // where needed (once per record on each side), not carried in a keyed copy.
    auto partitioner =
        std::make_shared<RangePartitioner<Key, Less>>(std::move(bounds), ascending, less);
    auto dep = std::make_shared<const detail::KeyedRecordShuffleDependency<T, F, Key>>(
        node_, std::move(partitioner), std::move(keyFunc));
    return RDD<T>(std::make_shared<detail::SortedByKeyOfNode<T, F, Key, Less>>(std::move(dep),
                                                                               ascending, less));
  } else {
    return keyBy(std::move(keyFunc)).sortByRange(std::move(bounds), ascending, less).values();
  }
}

template <class T>
template <class Less>
RDD<T> RDD<T>::repartitionAndSortWithinPartitions(Partitioning<K> partitions, bool ascending,
                                                  Less less) const {
  KILN_REQUIRE_PAIR("repartitionAndSortWithinPartitions");
  return RDD<T>(std::make_shared<detail::SortWithinPartitionsNode<K, V, Less>>(
      partitionBy(partitions).node(), ascending, less));
}

}  // namespace kiln
