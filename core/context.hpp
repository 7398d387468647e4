// Context: the entry point of a Kiln program (Spark's SparkContext).
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "accumulator.hpp"
#include "broadcast.hpp"
#include "conf.hpp"
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
  // (default min(defaultParallelism(), 2)).
  RDD<std::string> textFile(const std::string& path, int minPartitions = 0) const;
  // Spark's sc.union (a C++ keyword, hence the underscore).
  template <class T>
  RDD<T> union_(const std::vector<RDD<T>>& rdds) const {
    if (rdds.empty()) throw Error("union_: needs at least one RDD");
    std::vector<detail::NodePtr<T>> nodes;
    for (const auto& r : rdds) nodes.push_back(r.node());
    return RDD<T>(std::make_shared<detail::UnionNode<T>>(std::move(nodes)));
  }

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
  int slices(int requested) const;

  std::unique_ptr<mpi::Session> session_;
  Conf conf_;
  std::shared_ptr<sched::Runtime> runtime_;
  int defaultParallelism_ = 1;
};

}  // namespace kiln
