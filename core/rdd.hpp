// RDD<T>: an immutable, partitioned collection, computed lazily on the executors.
//
// Transformations (map, filter, reduceByKey, ...) only record lineage; actions (collect,
// count, saveAsTextFile, ...) run a job. Every rank of the program builds the same RDDs and
// calls the same actions in the same order; an action returns the same value on every rank.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hash.hpp"
#include "node.hpp"
#include "serialization/codec.hpp"

namespace kiln {

template <class T>
class RDD;

namespace detail {
struct NotAPair {};
template <class T>
struct PairTypes {
  static constexpr bool isPair = false;
  using Key = NotAPair;
  using Value = NotAPair;
};
template <class K, class V>
struct PairTypes<std::pair<K, V>> {
  static constexpr bool isPair = true;
  using Key = K;
  using Value = V;
};
template <class R>
using RangeValue = std::decay_t<decltype(*std::begin(std::declval<R&>()))>;
}  // namespace detail

#define KILN_REQUIRE_PAIR(op)                       \
  static_assert(detail::PairTypes<T>::isPair,       \
                "kiln: " op                         \
                " needs an RDD of std::pair<K, V> " \
                "(key-value records); map your records to pairs first")

template <class T>
class RDD {
  static_assert(Serializable<T>, KILN_SERIALIZABLE_MESSAGE);
  using K = typename detail::PairTypes<T>::Key;    // for pair RDDs
  using V = typename detail::PairTypes<T>::Value;  // for pair RDDs

 public:
  using value_type = T;
  explicit RDD(detail::NodePtr<T> node) : node_(std::move(node)) {}

  int id() const { return node_->id(); }
  int getNumPartitions() const { return node_->numPartitions(); }

  // ---- Narrow transformations: fused into one pass per partition --------------------------
  // f(const T&) -> U
  template <class F>
  auto map(F f) const;
  // f(const T&) -> any iterable of U
  template <class F>
  auto flatMap(F f) const;
  // f(const T&) -> bool
  template <class F>
  RDD<T> filter(F f) const;
  // f(std::vector<T>& partition) -> iterable of U
  template <class F>
  auto mapPartitions(F f) const;
  // f(int partitionIndex, std::vector<T>& partition) -> iterable of U
  template <class F>
  auto mapPartitionsWithIndex(F f) const;
  // Pair RDDs: f(const V&) -> W, keys unchanged.
  template <class F>
  auto mapValues(F f) const;
  // Pair RDDs: f(const V&) -> iterable of W, one (k, w) per w.
  template <class F>
  auto flatMapValues(F f) const;
  // f(const T&) -> K: records become (f(x), x).
  template <class F>
  auto keyBy(F f) const;
  auto keys() const;
  auto values() const;
  // Spark's union (a C++ keyword, hence the underscore): this RDD's partitions then other's.
  RDD<T> union_(const RDD<T>& other) const;
  // Each partition as one vector.
  RDD<std::vector<T>> glom() const;

  // ---- Shuffles (pair RDDs); numPartitions 0 means the default -------------------------------
  // The default is kiln.default.parallelism if set, else this RDD's number of partitions.
  template <class Create, class MergeValue, class MergeCombiners>
  auto combineByKey(Create createCombiner, MergeValue mergeValue, MergeCombiners mergeCombiners,
                    int numPartitions = 0, bool mapSideCombine = true) const;
  // f(V, V) -> V, associative and commutative; combined on the map side first.
  template <class F>
  RDD<T> reduceByKey(F f, int numPartitions = 0) const;
  template <class F>
  RDD<T> foldByKey(V zeroValue, F f, int numPartitions = 0) const;
  // seqOp(U, V) -> U within a partition, combOp(U, U) -> U across partitions.
  template <class U, class Seq, class Comb>
  auto aggregateByKey(U zeroValue, Seq seqOp, Comb combOp, int numPartitions = 0) const;
  auto groupByKey(int numPartitions = 0) const;
  // Hash-partitions the records by key.
  RDD<T> partitionBy(int numPartitions) const;
  // Any RDD: spreads records evenly over numPartitions (a full shuffle).
  RDD<T> repartition(int numPartitions) const;

  // ---- Actions: run a job; same result on every rank -----------------------------------------
  std::vector<T> collect() const;
  long count() const;
  // f(T, T) -> T; throws kiln::Error on an empty RDD.
  template <class F>
  T reduce(F f) const;
  // zeroValue is used once per partition and once more to merge the partitions' results.
  template <class F>
  T fold(T zeroValue, F f) const;
  template <class U, class Seq, class Comb>
  U aggregate(U zeroValue, Seq seqOp, Comb combOp) const;
  // The first num records in partition order, scanning as few partitions as possible.
  std::vector<T> take(long num) const;
  T first() const;
  bool isEmpty() const;
  // The num largest records, largest first (comp is a less-than).
  template <class Comp = std::less<>>
  std::vector<T> top(long num, Comp comp = Comp()) const;
  // The num smallest records, smallest first.
  template <class Comp = std::less<>>
  std::vector<T> takeOrdered(long num, Comp comp = Comp()) const;
  // f(const T&) on the executors, for its side effects.
  template <class F>
  void foreach (F f) const;
  // f(std::vector<T>& partition) on the executors.
  template <class F>
  void foreachPartition(F f) const;
  auto countByKey() const;
  std::unordered_map<T, long, Hash<T>> countByValue() const;
  // Pair RDDs: key -> value; with duplicate keys the later record (partition order) wins.
  auto collectAsMap() const;
  // A directory of part-00000... files with one line per record, and _SUCCESS when complete.
  // Pairs are written as key<TAB>value. Fails if the directory exists.
  void saveAsTextFile(const std::string& path) const;

  const detail::NodePtr<T>& node() const { return node_; }

 private:
  int shufflePartitions(int requested, const char* op) const;
  std::vector<ByteBuffer> runJob(std::vector<int> partitions,
                                 std::function<ByteBuffer(int)> perPartition,
                                 const sched::JobHooks& hooks = {}) const;
  std::vector<int> allPartitions() const;

  detail::NodePtr<T> node_;
};

}  // namespace kiln

#include "rdd_actions.hpp"
#include "rdd_shuffles.hpp"
#include "rdd_transformations.hpp"
