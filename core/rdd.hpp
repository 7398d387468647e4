// RDD<T>: an immutable, partitioned collection, computed lazily on the executors.
//
// Transformations (map, filter, reduceByKey, ...) only record lineage; actions (collect,
// count, saveAsTextFile, ...) run a job. Every rank of the program builds the same RDDs and
// calls the same actions in the same order; an action returns the same value on every rank.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../io/hdf5_attribute.hpp"
#include "../sched/lineage_string.hpp"
#include "hash.hpp"
#include "node.hpp"
#include "partitioner.hpp"
#include "serialization/codec.hpp"
#include "stat_counter.hpp"

namespace kiln {

template <class T>
class RDD;

// A dataset attribute: {"name", "text"}, {"name", 1.5} or {"name", std::vector<double>{...}}.
using Hdf5Attribute = io::Hdf5Attribute;

struct Hdf5WriteOptions {
  uint64_t chunkRows = 0;  // 0: contiguous, or chunked by 65536 rows when deflate is on
  int deflateLevel = 0;    // 0 (off) to 9
  bool overwrite = false;  // replace an existing file instead of failing
  // Add the dataset to the file (created if missing) instead of writing a new file; fails if
  // the dataset exists. Written in place: a failed append removes the dataset again.
  bool append = false;
  std::vector<Hdf5Attribute> attributes = {};  // besides the provenance attributes
};

// The most records mapBatches hands its function at once.
inline constexpr size_t kMaxBatchRecords = detail::kBlockRecords;

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
// What flatMap-like functions may return: anything with begin and end.
template <class R>
concept Iterable = requires(R& r) {
  std::begin(r);
  std::end(r);
};
template <class R>
using RangeValue = std::decay_t<decltype(*std::begin(std::declval<R&>()))>;
}  // namespace detail

// A shuffle's target: a partition count (hash partitioning; 0 means the default) or a
// partitioner. Spark's overloads taking numPartitions or a Partitioner, in one parameter.
template <class K>
class Partitioning {
 public:
  Partitioning(int numPartitions = 0) : count_(numPartitions) {}  // NOLINT: implicit on purpose
  template <class P>
  requires std::derived_from<P, Partitioner<K>> Partitioning(std::shared_ptr<P> p)
      : partitioner_(std::move(p)) {}  // NOLINT
  int count() const { return count_; }
  const std::shared_ptr<const Partitioner<K>>& partitioner() const { return partitioner_; }

 private:
  int count_ = 0;
  std::shared_ptr<const Partitioner<K>> partitioner_;
};

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

  // ---- Persistence -------------------------------------------------------------------------
  // Keeps computed partitions in the executors' memory; later jobs read them instead of
  // recomputing. Only MEMORY_ONLY so far (the disk levels need the HDF5 storage layer). As in
  // Spark, a persisted RDD's level cannot change until it is unpersisted.
  const RDD<T>& persist(StorageLevel level = StorageLevel::MEMORY_ONLY) const;
  const RDD<T>& cache() const { return persist(StorageLevel::MEMORY_ONLY); }
  // Frees the cached partitions on every executor.
  const RDD<T>& unpersist() const;
  StorageLevel getStorageLevel() const { return node_->storageLevel(); }
  // Saves this RDD to the checkpoint directory (sc.setCheckpointDir) and truncates its lineage:
  // later jobs read the saved partitions. Unlike Spark, the files are written at the call (a
  // job), not after the next action. A later run of the same program whose RDD has the same
  // identity reuses a complete, intact checkpoint instead of recomputing; a partial or damaged
  // one is rewritten. The identity covers the lineage, partition counts, the inputs (files'
  // names, sizes and times; parallelized data) and the program binary, but not values that
  // functions capture: pass them as `tag` (e.g. command-line parameters).
  void checkpoint(const std::string& tag = "") const;
  bool isCheckpointed() const { return node_->checkpointDir() != nullptr; }
  // The checkpoint's directory, or "" when not checkpointed.
  std::string getCheckpointFile() const { return isCheckpointed() ? *node_->checkpointDir() : ""; }
  // The lineage, one RDD a line: "(partitions) operation[id]", indented at shuffles ("+-").
  std::string toDebugString() const { return sched::lineageString(*node_); }

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
  // f(std::vector<T>& partition) -> iterable of U. preservesPartitioning: f keeps every
  // record's key, so the partitioner still holds.
  template <class F>
  auto mapPartitions(F f, bool preservesPartitioning = false) const;
  // f(int partitionIndex, std::vector<T>& partition) -> iterable of U
  template <class F>
  auto mapPartitionsWithIndex(F f, bool preservesPartitioning = false) const;
  // f(std::span<const T> batch) -> iterable of U, called on consecutive runs of each
  // partition's records, in order, as they stream through (Spark's mapInArrow batches). The
  // partition is never held whole: use it to pack records into compact blocks or to amortize
  // per-call work. A batch holds 1 to kiln::kMaxBatchRecords records; sizes vary otherwise.
  template <class F>
  auto mapBatches(F f) const;
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

  // ---- Sets and structure ------------------------------------------------------------------
  // The distinct records (a shuffle). Records need == and a hash.
  RDD<T> distinct(int numPartitions = 0) const;
  // The distinct records present in both (a shuffle).
  RDD<T> intersection(const RDD<T>& other, int numPartitions = 0) const;
  // The records of this RDD not in other; duplicates in this RDD are kept.
  RDD<T> subtract(const RDD<T>& other, int numPartitions = 0) const;
  // Every (a, b) with a from this RDD and b from other; partition i * n2 + j pairs partition i
  // of this RDD with partition j of other.
  template <class U>
  RDD<std::pair<T, U>> cartesian(const RDD<U>& other) const;
  // numPartitions partitions, each a run of consecutive partitions of this RDD, in order. With
  // shuffle = true, a full shuffle that evens out sizes (= repartition).
  RDD<T> coalesce(int numPartitions, bool shuffle = false) const;
  // Pairs the i-th records of both RDDs, which must have the same number of partitions and of
  // records in each partition.
  template <class U>
  RDD<std::pair<T, U>> zip(const RDD<U>& other) const;
  // f(std::vector<T>&, std::vector<U>&) -> iterable, per pair of partitions with the same index.
  template <class U, class F>
  auto zipPartitions(const RDD<U>& other, F f) const;
  // (record, index) with indices 0.. in partition-then-position order. Counts the partitions
  // first (a job), as Spark does.
  RDD<std::pair<T, long>> zipWithIndex() const;
  // (record, id): partition k's records get k, n + k, 2n + k, ... (n partitions); no job.
  RDD<std::pair<T, long>> zipWithUniqueId() const;

  // ---- Sampling (deterministic for a seed, whatever the number of ranks) ---------------------
  // Each record kept with probability fraction, or (withReplacement) a Poisson(fraction) number
  // of times.
  RDD<T> sample(bool withReplacement, double fraction, uint64_t seed = 42) const;
  // Disjoint random splits in proportion to the weights; together they hold every record.
  std::vector<RDD<T>> randomSplit(const std::vector<double>& weights, uint64_t seed = 42) const;

  // ---- Shuffles (pair RDDs) ------------------------------------------------------------------
  // `partitions` is a partition count or a partitioner (Partitioning<K>). The default, as in
  // Spark: the largest input partitioner that fits, else hash partitioning into
  // kiln.default.parallelism partitions if set, else the largest input's partition count. An
  // input already partitioned that way is not shuffled again.
  template <class Create, class MergeValue, class MergeCombiners>
  auto combineByKey(Create createCombiner, MergeValue mergeValue, MergeCombiners mergeCombiners,
                    Partitioning<K> partitions = {}, bool mapSideCombine = true) const;
  // f(V, V) -> V, associative and commutative; combined on the map side first.
  template <class F>
  RDD<T> reduceByKey(F f, Partitioning<K> partitions = {}) const;
  template <class F>
  RDD<T> foldByKey(V zeroValue, F f, Partitioning<K> partitions = {}) const;
  // seqOp(U, V) -> U within a partition, combOp(U, U) -> U across partitions.
  template <class U, class Seq, class Comb>
  auto aggregateByKey(U zeroValue, Seq seqOp, Comb combOp, Partitioning<K> partitions = {}) const;
  auto groupByKey(Partitioning<K> partitions = {}) const;
  // Places the records by key (a count means hash partitioning).
  RDD<T> partitionBy(Partitioning<K> partitions) const;
  // Any RDD: spreads records evenly over numPartitions (a full shuffle).
  RDD<T> repartition(int numPartitions) const;
  // The partitioner that places this pair RDD's records, or null.
  std::shared_ptr<const Partitioner<K>> partitioner() const;

  // ---- Sorting ---------------------------------------------------------------------------------
  // Globally sorted by key: partition i holds keys before those of partition i+1, each sorted.
  // Samples the input first (a job, as in Spark). numPartitions 0: as many as this RDD has; fewer
  // come out when there are fewer distinct keys.
  template <class Less = std::less<>>
  RDD<T> sortByKey(bool ascending = true, int numPartitions = 0, Less less = Less()) const;
  // Any RDD, sorted by keyFunc(x) (stable: equal keys keep their input order). Large plain
  // records with small keys are shuffled and sorted as themselves, keyFunc called where needed.
  template <class F, class Less = std::less<>>
  RDD<T> sortBy(F keyFunc, bool ascending = true, int numPartitions = 0, Less less = Less()) const;
  // Partitions by key, then sorts each partition by key (cheaper than partitionBy + sort).
  template <class Less = std::less<>>
  RDD<T> repartitionAndSortWithinPartitions(Partitioning<K> partitions, bool ascending = true,
                                            Less less = Less()) const;

  // ---- Joins (pair RDDs with the same key type) ----------------------------------------------
  // For each key, the values of this RDD and of other(s). groupWith is the same.
  template <class W>
  RDD<std::pair<K, std::pair<std::vector<V>, std::vector<W>>>> cogroup(
      const RDD<std::pair<K, W>>& other, Partitioning<K> partitions = {}) const;
  template <class W1, class W2>
  RDD<std::pair<K, std::tuple<std::vector<V>, std::vector<W1>, std::vector<W2>>>> cogroup(
      const RDD<std::pair<K, W1>>& other1, const RDD<std::pair<K, W2>>& other2,
      Partitioning<K> partitions = {}) const;
  template <class W>
  auto groupWith(const RDD<std::pair<K, W>>& other) const {
    return cogroup(other);
  }
  template <class W1, class W2>
  auto groupWith(const RDD<std::pair<K, W1>>& o1, const RDD<std::pair<K, W2>>& o2) const {
    return cogroup(o1, o2);
  }
  // (k, (v, w)) for every pair of values of a key present in both.
  template <class W>
  RDD<std::pair<K, std::pair<V, W>>> join(const RDD<std::pair<K, W>>& other,
                                          Partitioning<K> partitions = {}) const;
  // Every (k, v) of this RDD, with each matching w or nullopt.
  template <class W>
  RDD<std::pair<K, std::pair<V, std::optional<W>>>> leftOuterJoin(
      const RDD<std::pair<K, W>>& other, Partitioning<K> partitions = {}) const;
  template <class W>
  RDD<std::pair<K, std::pair<std::optional<V>, W>>> rightOuterJoin(
      const RDD<std::pair<K, W>>& other, Partitioning<K> partitions = {}) const;
  template <class W>
  RDD<std::pair<K, std::pair<std::optional<V>, std::optional<W>>>> fullOuterJoin(
      const RDD<std::pair<K, W>>& other, Partitioning<K> partitions = {}) const;
  // The records whose key is not in other.
  template <class W>
  RDD<T> subtractByKey(const RDD<std::pair<K, W>>& other, Partitioning<K> partitions = {}) const;

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
  // ---- Numbers (RDDs of arithmetic types) -----------------------------------------------------
  auto sum() const;  // long for integers, double for floating point; 0 when empty
  StatCounter stats() const;
  double mean() const { return stats().mean(); }
  double variance() const { return stats().variance(); }
  double sampleVariance() const { return stats().sampleVariance(); }
  double stdev() const { return stats().stdev(); }
  double sampleStdev() const { return stats().sampleStdev(); }
  // The largest / smallest record (comp is a less-than); throws kiln::Error on an empty RDD.
  template <class Comp = std::less<>>
  T max(Comp comp = Comp()) const;
  template <class Comp = std::less<>>
  T min(Comp comp = Comp()) const;
  // bucketCount evenly spaced buckets from the minimum to the maximum: (bounds, counts). Errors
  // on an empty RDD or one holding NaN or infinities, as Spark.
  std::pair<std::vector<double>, std::vector<long>> histogram(int bucketCount) const;
  // Counts per bucket [b0, b1), [b1, b2), ..., [b(n-1), bn] (the last closed). Values outside and
  // NaN are ignored. The bounds must be increasing, at least two.
  std::vector<long> histogram(const std::vector<double>& buckets) const;

  // ---- Tree aggregation: partial results combined in depth levels, not all on the driver -----
  template <class U, class Seq, class Comb>
  U treeAggregate(U zeroValue, Seq seqOp, Comb combOp, int depth = 2) const;
  template <class F>
  T treeReduce(F f, int depth = 2) const;

  // num records chosen at random (an action: counts, then samples).
  std::vector<T> takeSample(bool withReplacement, long num, uint64_t seed = 42) const;
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
  // Pair RDDs: the values of a key; only the key's partition is computed when the partitioner
  // is known.
  std::vector<V> lookup(const K& key) const;
  // Pair RDDs: reduceByKey merged into a map on every rank, without a shuffle.
  template <class F>
  std::unordered_map<K, V, Hash<K>> reduceByKeyLocally(F f) const;
  // A directory of part-00000... files with one line per record, and _SUCCESS when complete.
  // Pairs are written as key<TAB>value. Fails if the directory exists.
  void saveAsTextFile(const std::string& path) const;
  // The same layout with each record's bytes as they are (T trivially copyable): what
  // sc.binaryRecords<T> reads back.
  void saveAsBinaryRecords(const std::string& path) const;
  // One dataset in one HDF5 file, rows in partition order, written by the executors together
  // (parallel HDF5). T as for sc.hdf5. The file appears only when complete (written under
  // FILE.kiln-tmp, then renamed). The dataset carries provenance attributes: kiln_version,
  // ranks, executors, task_threads, configuration, created, slurm_job_id.
  void saveAsHDF5(const std::string& file, const std::string& dataset,
                  const Hdf5WriteOptions& options = {}) const;

  const detail::NodePtr<T>& node() const { return node_; }

 private:
  template <class U>
  friend class RDD;  // e.g. checkpoint runs a job on an RDD<long>
  // Part files in an output directory (saveAsTextFile, saveAsBinaryRecords): encode(block, buf)
  // appends a block's bytes to buf.
  template <class Encode>
  void saveAsPartFiles(const std::string& path, const char* what, Encode encode) const;
  template <class C, class Agg>
  RDD<std::pair<K, C>> combineWith(Agg agg, const Partitioning<K>& partitions, bool mapSideCombine,
                                   const char* name) const;
  std::vector<ByteBuffer> runJob(std::vector<int> partitions,
                                 std::function<ByteBuffer(int)> perPartition,
                                 const sched::JobHooks& hooks = {}) const;
  std::vector<int> allPartitions() const;
  // Range bounds for `target` sorted partitions from a sample of keyOf(record) (a job, as
  // sortByKey's in Spark), and the sort by a range partitioner built from them.
  template <class Key, class KeyOf, class Less>
  std::vector<Key> sampleRangeBounds(KeyOf keyOf, int target, const Less& less) const;
  template <class Less>
  RDD<T> sortByRange(std::vector<K> bounds, bool ascending, Less less) const;
  // Records per partition (a job): count and zipWithIndex.
  std::vector<long> partitionCounts() const;

  detail::NodePtr<T> node_;
};

}  // namespace kiln

#include "rdd_actions.hpp"
#include "rdd_checkpoint.hpp"
#include "rdd_hdf5.hpp"
#include "rdd_joins.hpp"
#include "rdd_numeric.hpp"
#include "rdd_persistence.hpp"
#include "rdd_sampling.hpp"
#include "rdd_set_ops.hpp"
#include "rdd_shuffles.hpp"
#include "rdd_sorting.hpp"
#include "rdd_structure.hpp"
#include "rdd_transformations.hpp"
