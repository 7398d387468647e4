// An executor's shuffle data: what its map tasks wrote, and after the exchange, the pieces of
// the reduce partitions it owns. Bytes stay in memory while the store's share of the executor's
// budget allows, and go to scratch files past it, so a shuffle larger than memory completes.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../io/scratch_directory.hpp"
#include "../util/byte_buffer.hpp"
#include "shuffle_extent.hpp"

namespace kiln::sched {

// One map task's output as the store keeps it.
struct MapOutput {
  std::vector<ByteBuffer> buckets;                  // in memory: the last bytes of each bucket
  std::vector<std::vector<ShuffleExtent>> spilled;  // per reduce partition: earlier bytes, on disk
  std::shared_ptr<io::ScratchFile> file;
  uint64_t memoryBytes = 0;  // counted against the store's memory
  std::vector<ShuffleExtent> extentsOf(int reducePartition) const;
};

// What the store did, for tests and the event log.
struct ShuffleStoreStats {
  uint64_t memoryPeak = 0;          // most bytes held in memory at once
  uint64_t bytesWrittenToDisk = 0;  // map outputs and received data that went to scratch files
};

class ShuffleStore {
 public:
  // Bytes it may hold in memory, and where its files go.
  void configure(uint64_t memoryLimit, io::ScratchDirectory& scratch);
  io::ScratchDirectory& scratch() { return *scratch_; }

  // Thread-safe; a retried task's output replaces the earlier attempt's.
  void putMapOutput(int shuffle, int mapPartition, MapOutput output);
  // Claims memory for n bytes if the limit allows. Thread-safe.
  bool tryReserve(uint64_t n);
  void release(uint64_t n);
  void noteBytesWrittenToDisk(uint64_t n);
  // The bucket sizes (bytes per reduce partition, memory and disk) of the map output committed
  // last for `shuffle`, or empty: map tasks of one shuffle see similar data, so a writer that
  // reserves them up front fills its buckets without regrowing (copying) them. Thread-safe.
  std::vector<uint64_t> bucketSizeHint(int shuffle) const;

  // Single executor: its map outputs are already everything.
  void exchangeLocally(int shuffle, int numReducePartitions);
  // Collective over `executors`: sends every bucket to its reduce partition's owner, in rounds
  // of at most maxRoundBytes per executor.
  void exchange(int shuffle, int numReducePartitions, MPI_Comm executors, uint64_t maxRoundBytes);
  // Segments of a reduce partition owned here, ordered by map partition. Thread-safe.
  // Counts their bytes as the running task's shuffle read.
  std::vector<ShuffleSegment> segments(int shuffle, int reducePartition) const;
  // The bytes those segments hold, without counting them as read (a size hint). Thread-safe.
  uint64_t partitionBytes(int shuffle, int reducePartition) const;
  // Frees a shuffle's data (its RDD is gone).
  void drop(int shuffle);
  // Forgets map outputs not yet exchanged (at the end of every job).
  void dropMapOutputs();
  // Whether this executor holds the exchanged data of `shuffle`.
  bool holds(int shuffle) const;
  // Stopping for a time limit: writes the reduce partitions of an exchanged shuffle held here
  // to an HDF5 file (io/hdf5_blob_file: the bytes, and rows of reduce partition, map partition,
  // offset, length), ...
  void save(int shuffle, const std::string& path) const;
  // ... and a resumed run loads such a file as this executor's part of the shuffle (executor
  // `executor` of `numExecutors`, as when it was saved). Throws naming the file on a mismatch.
  void load(int shuffle, const std::string& path, int executor, int numExecutors,
            int numReducePartitions);
  ShuffleStoreStats stats() const;

 private:
  struct Input {
    int executor = 0;      // this executor's index and the executor count at the exchange:
    int numExecutors = 1;  // reduce partition r lives here when r % numExecutors == executor
    std::map<int, MapOutput> localOutputs;  // map outputs holding this executor's partitions
    std::vector<ByteBuffer> received;       // segments kept in memory
    ByteBuffer direct;                      // or everything received, in one buffer
    std::shared_ptr<io::ScratchFile> receivedFile;
    uint64_t memoryBytes = 0;
    std::unordered_map<int, std::vector<ShuffleSegment>> byReducePartition;
  };
  class Receiver;
  // Room for `length` received bytes: memory while the limit allows, else the shuffle's file.
  ShuffleExtent placeReceived(Input& in, int shuffle, uint64_t length);
  std::map<int, MapOutput> takeMapOutputs(int shuffle);
  // Keeps a shuffle's data, replacing (and releasing) any it held before.
  void keepInput(int shuffle, Input in);
  // The segments of a reduce partition owned here, or null if it has none (lock held); throws
  // if the shuffle's data or the partition is not here.
  const std::vector<ShuffleSegment>* segmentsHeld(int shuffle, int reducePartition) const;
  // Releases a shuffle's data, keeping its receive buffer as the spare (lock held).
  void retire(Input& in);
  // Memory for `total` received bytes: the spare if big enough, else new within the limit.
  ByteBuffer* receiveBuffer(Input& in, uint64_t total);

  mutable std::mutex mutex_;
  io::ScratchDirectory* scratch_ = nullptr;
  uint64_t memoryLimit_ = UINT64_MAX;
  uint64_t memoryUsed_ = 0;
  ShuffleStoreStats stats_;
  std::unordered_map<int, std::map<int, MapOutput>> mapOutputs_;
  std::unordered_map<int, Input> inputs_;
  std::unordered_map<int, std::vector<uint64_t>> bucketSizeHints_;
  // The largest receive buffer of a dropped shuffle, kept for the next exchange: fresh memory
  // costs a page fault per 4 KiB. Counted in memoryUsed_, and freed first when room runs out.
  ByteBuffer spare_;
};

}  // namespace kiln::sched
