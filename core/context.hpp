// Context: the entry point of a Kiln program (Spark's SparkContext).
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "accumulator.hpp"
#include "broadcast.hpp"
#include "conf.hpp"
#include "nodes/binary_records_node.hpp"
#include "nodes/hdf5_column_batch_node.hpp"
#include "nodes/hdf5_source_node.hpp"
#include "nodes/source_nodes.hpp"
#include "nodes/text_file_node.hpp"
#include "rdd.hpp"

namespace kiln {

namespace mpi {
class Session;
}

class Context {
 public:
  // Starts MPI and reads the configuration. Removes "--conf key=value" arguments from argv.
  // Rank 0 becomes the driver, the other ranks executors; one rank alone is local mode.
  Context(int& argc, char**& argv, const Conf& conf = Conf());
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  bool isDriver() const;
  int rank() const;
  int numRanks() const;
  // The driver's standard output; on other ranks a stream that discards what it gets. Lets
  // every rank run the same code while only the driver prints.
  std::ostream& out() const;
  const Conf& conf() const { return conf_; }
  int defaultParallelism() const { return defaultParallelism_; }
  // Task threads of all executors together.
  int totalExecutorCores() const;

  // Splits data into numSlices partitions as Spark does (default: defaultParallelism()).
  // Every rank must pass the same data.
  template <class T>
  RDD<T> parallelize(std::vector<T> data, int numSlices = 0) const {
    return RDD<T>(std::make_shared<detail::ParallelCollectionNode<T>>(
        runtime_, std::make_shared<const std::vector<T>>(std::move(data)), slices(numSlices)));
  }
  // start, start+step, ... below end (above it for a negative step).
  RDD<long> range(long start, long end, long step = 1, int numSlices = 0) const;
  // The lines of a file, a directory's files or a glob, without line ends; partitions are
  // byte ranges of at most kiln.files.maxPartitionBytes, at least minPartitions
  // (default min(defaultParallelism(), 2)), and for a large input one per core at least.
  RDD<std::string> textFile(const std::string& path, int minPartitions = 0) const;
  // Fixed-size binary records (Spark's binaryRecords, typed): every sizeof(T) bytes of the
  // files is one T, copied as is (T trivially copyable, e.g. a struct of byte arrays). Files
  // and partitions as textFile; a file whose size is not a whole number of records is an error.
  template <class T>
  RDD<T> binaryRecords(const std::string& path, int minPartitions = 0) const {
    return RDD<T>(std::make_shared<detail::BinaryRecordsNode<T>>(
        runtime_, recordSplits(path, sizeof(T), minPartitions)));
  }
  // ---- HDF5 --------------------------------------------------------------------------------
  // The records of one dataset in a file, a directory's files or a glob (one RDD over all of
  // them). T: a number (1-D dataset), std::array<E, N> or std::vector<E> (rows of a 2-D
  // dataset), or a struct described with KILN_HDF5_FIELDS (1-D compound dataset). Partitions are
  // row ranges of about kiln.hdf5.partitionBytes. Errors name the file and dataset.
  template <class T>
  RDD<T> hdf5(const std::string& path, const std::string& dataset) const {
    static_assert(detail::Hdf5Record<T>::kSupported,
                  "kiln: sc.hdf5<T>: T must be a number, std::array<E, N> or std::vector<E> of "
                  "numbers, or a struct described with KILN_HDF5_FIELDS(T, field, ...)");
    auto layout = detail::Hdf5Record<T>::layout();
    auto files = hdf5Files(path);
    std::vector<uint64_t> rows;
    uint64_t rowLength = 1;
    for (const auto& f : files) {
      auto shape = io::checkDataset(f, dataset, layout);
      if (&f != &files.front() && layout.shape == io::RecordLayout::Shape::Row &&
          shape.rowLength != rowLength)
        throw Error("hdf5: " + f + ": dataset " + dataset + " has rows of " +
                    std::to_string(shape.rowLength) + " elements, the other files " +
                    std::to_string(rowLength));
      rowLength = shape.rowLength;
      rows.push_back(shape.rows);
    }
    uint64_t recordBytes = layout.shape == io::RecordLayout::Shape::Compound ? sizeof(T)
                           : layout.shape == io::RecordLayout::Shape::Row
                               ? rowLength * elementBytes(layout.scalar)
                               : sizeof(T);
    auto slices = detail::hdf5Slices(rows, rowsPerPartition(recordBytes));
    return RDD<T>(std::make_shared<detail::Hdf5SourceNode<T>>(
        runtime_, std::move(files), dataset, std::move(layout), rowLength, std::move(slices)));
  }
  // Equal-length 1-D datasets read as the columns of one record: std::tuple<Ts...>.
  template <class... Ts>
  RDD<std::tuple<Ts...>> hdf5Columns(const std::string& path,
                                     const std::vector<std::string>& datasets) const {
    if (datasets.size() != sizeof...(Ts))
      throw Error("hdf5Columns: " + std::to_string(datasets.size()) + " datasets named for " +
                  std::to_string(sizeof...(Ts)) + " column types");
    auto files = hdf5Files(path);
    std::vector<uint64_t> rows;
    for (const auto& f : files) {
      std::vector<uint64_t> lengths;
      [&]<size_t... I>(std::index_sequence<I...>) {
        (lengths.push_back(io::checkDataset(f, datasets[I], detail::Hdf5Record<Ts>::layout()).rows),
         ...);
      }
      (std::index_sequence_for<Ts...>{});
      for (size_t i = 1; i < lengths.size(); ++i)
        if (lengths[i] != lengths[0])
          throw Error("hdf5Columns: " + f + ": dataset " + datasets[i] + " has " +
                      std::to_string(lengths[i]) + " rows, " + datasets[0] + " has " +
                      std::to_string(lengths[0]));
      rows.push_back(lengths[0]);
    }
    auto slices = detail::hdf5Slices(rows, rowsPerPartition((0 + ... + sizeof(Ts))));
    return RDD<std::tuple<Ts...>>(std::make_shared<detail::Hdf5ColumnsNode<Ts...>>(
        runtime_, std::move(files), datasets, std::move(slices)));
  }

  // Equal-length 1-D numeric columns (any integer or float type, converted to double) read in
  // batches of at most batchRows rows: one ColumnBatch record per batch, columns in the order
  // named. For column-at-a-time code over wide tables whose columns are chosen at run time.
  RDD<ColumnBatch> hdf5ColumnBatches(const std::string& path,
                                     const std::vector<std::string>& datasets,
                                     uint64_t batchRows = 65536) const {
    if (datasets.empty()) throw Error("hdf5ColumnBatches: name at least one dataset");
    if (batchRows == 0) throw Error("hdf5ColumnBatches: batchRows must be positive");
    auto files = hdf5Files(path);
    std::vector<uint64_t> rows;
    for (const auto& f : files) {
      rows.push_back(io::checkNumericColumn(f, datasets[0]));
      for (size_t i = 1; i < datasets.size(); ++i)
        if (uint64_t n = io::checkNumericColumn(f, datasets[i]); n != rows.back())
          throw Error("hdf5ColumnBatches: " + f + ": dataset " + datasets[i] + " has " +
                      std::to_string(n) + " rows, " + datasets[0] + " has " +
                      std::to_string(rows.back()));
    }
    auto slices = detail::hdf5Slices(rows, rowsPerPartition(datasets.size() * sizeof(double)));
    return RDD<ColumnBatch>(std::make_shared<detail::Hdf5ColumnBatchNode>(
        runtime_, std::move(files), datasets, std::move(slices), batchRows));
  }

  // Spark's sc.union (a C++ keyword, hence the underscore).
  template <class T>
  RDD<T> union_(const std::vector<RDD<T>>& rdds) const {
    if (rdds.empty()) throw Error("union_: needs at least one RDD");
    std::vector<detail::NodePtr<T>> nodes;
    for (const auto& r : rdds) nodes.push_back(r.node());
    return RDD<T>(std::make_shared<detail::UnionNode<T>>(std::move(nodes)));
  }

  // Where rdd.checkpoint() keeps checkpoints (a shared filesystem: every rank reads them).
  void setCheckpointDir(const std::string& dir) const;

  // ---- Shared variables ----------------------------------------------------------------------
  // Sends the driver's value to every rank once (a collective: call it on every rank).
  template <class T>
  Broadcast<T> broadcast(const T& value) const {
    static_assert(Serializable<T>, KILN_SERIALIZABLE_MESSAGE);
    ByteBuffer bytes;
    if (isDriver()) encode(bytes, value);
    runtime_->broadcastFromDriver(bytes);
    if (isDriver()) return Broadcast<T>(std::make_shared<const T>(value));
    ByteReader in(bytes.span());
    return Broadcast<T>(std::make_shared<const T>(decode<T>(in)));
  }
  Accumulator<LongAccumulator> longAccumulator(std::string name = "") const {
    return Accumulator<LongAccumulator>(runtime_, std::move(name));
  }
  Accumulator<DoubleAccumulator> doubleAccumulator(std::string name = "") const {
    return Accumulator<DoubleAccumulator>(runtime_, std::move(name));
  }
  template <class T>
  Accumulator<CollectionAccumulator<T>> collectionAccumulator(std::string name = "") const {
    return Accumulator<CollectionAccumulator<T>>(runtime_, std::move(name));
  }
  // A user-defined accumulator: Impl derives from AccumulatorV2<In, Out>.
  template <class Impl>
  Accumulator<Impl> accumulator(Impl initial, std::string name = "") const {
    return Accumulator<Impl>(runtime_, std::move(name), std::move(initial));
  }

 private:
  std::vector<io::FileSplit> recordSplits(const std::string& path, uint64_t recordBytes,
                                          int minPartitions) const;
  void addListeners(const std::vector<std::pair<std::string, std::string>>& facts);
  int slices(int requested) const;
  std::vector<std::string> hdf5Files(const std::string& path) const;
  uint64_t rowsPerPartition(uint64_t recordBytes) const;
  static uint64_t elementBytes(io::ScalarKind kind);

  std::unique_ptr<mpi::Session> session_;
  Conf conf_;
  std::shared_ptr<sched::Runtime> runtime_;
  int defaultParallelism_ = 1;
};

}  // namespace kiln
