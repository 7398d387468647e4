#include "shuffle_store.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>

#include "../io/hdf5_blob_file.hpp"
#include "../mpi/alltoallv_exchange.hpp"
#include "../util/error.hpp"
#include "lineage.hpp"
#include "task_metrics.hpp"

namespace kiln::sched {
namespace {

// On the wire every non-empty bucket travels as a segment: this header, then its bytes.
struct SegmentHeader {
  int32_t mapPartition;
  int32_t reducePartition;
  uint64_t length;
};

// Bytes per executor pair per round: enough to keep MPI efficient, small next to the budget.
uint64_t roundPairBytes(uint64_t maxRoundBytes, uint64_t memoryLimit, int numExec) {
  uint64_t staging = std::clamp<uint64_t>(memoryLimit / 8, uint64_t(4) << 20, uint64_t(64) << 20);
  return std::max<uint64_t>(1, std::min(maxRoundBytes, staging) / uint64_t(numExec));
}

void copyExtent(const ShuffleExtent& e, uint64_t from, std::byte* dst, size_t n) {
  if (e.memory)
    std::memcpy(dst, e.memory + from, n);
  else
    e.file->readAt(e.offset + from, dst, n);
}

// What one executor sends to another: segment headers and the extents of their bytes, in order.
class SendStream {
 public:
  void addSegment(const SegmentHeader& h, std::vector<ShuffleExtent> extents) {
    ShuffleExtent header;
    header.memory = reinterpret_cast<const std::byte*>(&headers_.emplace_back(h));
    header.length = sizeof(SegmentHeader);
    pieces_.push_back(header);
    for (auto& e : extents) pieces_.push_back(e);
    bytes_ += sizeof(SegmentHeader) + h.length;
  }
  uint64_t bytes() const { return bytes_; }
  // Writes the next dst.size() bytes of the stream.
  void fill(std::span<std::byte> dst) {
    size_t done = 0;
    while (done < dst.size()) {
      const ShuffleExtent& e = pieces_.at(next_);
      size_t n = size_t(std::min<uint64_t>(e.length - within_, dst.size() - done));
      copyExtent(e, within_, dst.data() + done, n);
      done += n;
      within_ += n;
      if (within_ == e.length) {
        ++next_;
        within_ = 0;
      }
    }
  }

 private:
  std::deque<SegmentHeader> headers_;  // stable addresses for the header pieces
  std::vector<ShuffleExtent> pieces_;
  uint64_t bytes_ = 0;
  size_t next_ = 0;
  uint64_t within_ = 0;
};

void sortByMapPartition(std::unordered_map<int, std::vector<ShuffleSegment>>& byReduce) {
  for (auto& [r, segs] : byReduce)
    std::stable_sort(segs.begin(), segs.end(),
                     [](const auto& a, const auto& b) { return a.mapPartition < b.mapPartition; });
}

}  // namespace

// Turns the byte streams arriving from each executor back into segments, placing each one in
// memory while the store's limit allows and in the shuffle's received-data file past it.
class ShuffleStore::Receiver {
 public:
  Receiver(ShuffleStore& store, Input& in, int shuffle, int numReducePartitions, int numSources)
      : store_(store),
        in_(in),
        shuffle_(shuffle),
        numReduce_(numReducePartitions),
        sources_(size_t(numSources)) {}

  void consume(int source, std::span<const std::byte> bytes) {
    Source& s = sources_[size_t(source)];
    size_t pos = 0;
    while (pos < bytes.size()) {
      if (s.headerGot < sizeof(SegmentHeader)) {
        size_t n = std::min(sizeof(SegmentHeader) - s.headerGot, bytes.size() - pos);
        std::memcpy(reinterpret_cast<std::byte*>(&s.header) + s.headerGot, bytes.data() + pos, n);
        s.headerGot += n;
        pos += n;
        if (s.headerGot == sizeof(SegmentHeader)) startSegment(s);
        continue;
      }
      size_t n = size_t(std::min<uint64_t>(s.left, bytes.size() - pos));
      uint64_t at = s.header.length - s.left;
      if (s.extent.memory)
        std::memcpy(const_cast<std::byte*>(s.extent.memory) + at, bytes.data() + pos, n);
      else
        in_.receivedFile->writeAt(s.extent.offset + at, bytes.data() + pos, n);
      s.left -= n;
      pos += n;
      if (s.left == 0) s.headerGot = 0;  // next segment
    }
  }
  void finish() {
    for (const Source& s : sources_)
      if (s.headerGot != 0) throw Error("corrupt shuffle data: a segment was cut short");
  }
  // Takes every source's stream as received, one after another, into memory that stays: the
  // segments are pointed at where they lie.
  void adopt(const std::byte* bytes, uint64_t total) {
    uint64_t pos = 0;
    while (pos < total) {
      SegmentHeader h;
      if (total - pos < sizeof h) throw Error("corrupt shuffle data: a segment was cut short");
      std::memcpy(&h, bytes + pos, sizeof h);
      pos += sizeof h;
      checkHeader(h);
      if (total - pos < h.length) throw Error("corrupt shuffle data: a segment was cut short");
      ShuffleExtent e;
      e.memory = bytes + pos;
      e.length = h.length;
      in_.byReducePartition[h.reducePartition].push_back({h.mapPartition, {e}});
      pos += h.length;
    }
  }

 private:
  struct Source {
    SegmentHeader header{};
    size_t headerGot = 0;
    uint64_t left = 0;
    ShuffleExtent extent;
  };
  void checkHeader(const SegmentHeader& h) const {
    if (h.reducePartition < 0 || h.reducePartition >= numReduce_ || h.length == 0 ||
        shuffleOwner(h.reducePartition, in_.numExecutors) != in_.executor)
      throw Error("corrupt shuffle data: bad segment header");
  }
  void startSegment(Source& s) {
    const SegmentHeader& h = s.header;
    checkHeader(h);
    s.extent = store_.placeReceived(in_, shuffle_, h.length);
    in_.byReducePartition[h.reducePartition].push_back({h.mapPartition, {s.extent}});
    s.left = h.length;
  }

  ShuffleStore& store_;
  Input& in_;
  int shuffle_;
  int numReduce_;
  std::vector<Source> sources_;
};

ShuffleExtent ShuffleStore::placeReceived(Input& in, int shuffle, uint64_t length) {
  ShuffleExtent e;
  e.length = length;
  if (tryReserve(length)) {
    in.memoryBytes += length;
    e.memory = in.received.emplace_back(size_t(length)).data();
    return e;
  }
  if (!in.receivedFile)
    in.receivedFile = std::make_shared<io::ScratchFile>(
        scratch().newFilePath("shuffle" + std::to_string(shuffle) + "-received", ".bin"));
  e.file = in.receivedFile.get();
  e.offset = in.receivedFile->reserve(length);
  noteBytesWrittenToDisk(length);
  return e;
}

std::vector<ShuffleExtent> MapOutput::extentsOf(int r) const {
  std::vector<ShuffleExtent> out;
  if (size_t(r) < spilled.size()) out = spilled[size_t(r)];
  if (size_t(r) < buckets.size() && !buckets[size_t(r)].empty()) {
    ShuffleExtent e;
    e.memory = buckets[size_t(r)].data();
    e.length = buckets[size_t(r)].size();
    out.push_back(e);
  }
  return out;
}

void ShuffleStore::configure(uint64_t memoryLimit, io::ScratchDirectory& scratch) {
  std::lock_guard lock(mutex_);
  memoryLimit_ = memoryLimit;
  scratch_ = &scratch;
}

ByteBuffer* ShuffleStore::receiveBuffer(Input& in, uint64_t total) {
  {
    std::lock_guard lock(mutex_);
    // Not for an exchange much smaller than the spare: it would hold (and count) all of it.
    if (spare_.size() >= total && spare_.size() / 2 <= total) {  // counted already: moves on
      in.memoryBytes += spare_.size();
      in.direct = std::move(spare_);
      spare_ = ByteBuffer();
      return &in.direct;
    }
  }
  if (!tryReserve(total)) return nullptr;
  in.memoryBytes += total;
  in.direct = ByteBuffer(size_t(total));
  return &in.direct;
}

void ShuffleStore::retire(Input& in) {
  memoryUsed_ -= std::min(in.memoryBytes, memoryUsed_);
  if (in.direct.size() > spare_.size()) {
    memoryUsed_ -= std::min<uint64_t>(spare_.size(), memoryUsed_);
    spare_ = std::move(in.direct);
    in.direct = ByteBuffer();
    memoryUsed_ += spare_.size();
  }
}

bool ShuffleStore::tryReserve(uint64_t n) {
  std::lock_guard lock(mutex_);
  if (memoryUsed_ + n > memoryLimit_ && !spare_.empty()) {  // the spare goes before anything
    memoryUsed_ -= std::min<uint64_t>(spare_.size(), memoryUsed_);
    spare_ = ByteBuffer();
  }
  if (memoryUsed_ + n > memoryLimit_) return false;
  memoryUsed_ += n;
  stats_.memoryPeak = std::max(stats_.memoryPeak, memoryUsed_);
  return true;
}

void ShuffleStore::release(uint64_t n) {
  std::lock_guard lock(mutex_);
  memoryUsed_ -= std::min(n, memoryUsed_);
}

void ShuffleStore::noteBytesWrittenToDisk(uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.bytesWrittenToDisk += n;
}

ShuffleStoreStats ShuffleStore::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void ShuffleStore::putMapOutput(int shuffle, int mapPartition, MapOutput output) {
  std::vector<uint64_t> sizes(output.buckets.size());
  for (size_t r = 0; r < sizes.size(); ++r) {
    sizes[r] = output.buckets[r].size();
    if (r < output.spilled.size())
      for (const auto& e : output.spilled[r]) sizes[r] += e.length;
  }
  std::lock_guard lock(mutex_);
  bucketSizeHints_[shuffle] = std::move(sizes);
  MapOutput& slot = mapOutputs_[shuffle][mapPartition];
  memoryUsed_ -= std::min(slot.memoryBytes, memoryUsed_);
  slot = std::move(output);
}

std::map<int, MapOutput> ShuffleStore::takeMapOutputs(int shuffle) {
  std::lock_guard lock(mutex_);
  auto outputs = std::move(mapOutputs_[shuffle]);
  mapOutputs_.erase(shuffle);
  return outputs;
}

void ShuffleStore::exchangeLocally(int shuffle, int numReducePartitions) {
  Input in;
  in.localOutputs = takeMapOutputs(shuffle);
  for (auto& [mapPart, out] : in.localOutputs) {
    in.memoryBytes += out.memoryBytes;
    for (int r = 0; r < numReducePartitions; ++r)
      if (auto extents = out.extentsOf(r); !extents.empty())
        in.byReducePartition[r].push_back({mapPart, std::move(extents)});
  }
  keepInput(shuffle, std::move(in));
}

void ShuffleStore::exchange(int shuffle, int numReducePartitions, MPI_Comm executors,
                            uint64_t maxRoundBytes) {
  int numExec = 0;
  MPI_Comm_size(executors, &numExec);
  if (numExec == 1) return exchangeLocally(shuffle, numReducePartitions);  // nothing to move
  std::map<int, MapOutput> outputs = takeMapOutputs(shuffle);
  Input in;
  MPI_Comm_rank(executors, &in.executor);
  in.numExecutors = numExec;
  std::vector<SendStream> streams(static_cast<size_t>(numExec));
  uint64_t outputMemory = 0, keptMemory = 0;
  for (auto& [mapPart, out] : outputs) {
    outputMemory += out.memoryBytes;
    for (int r = 0; r < numReducePartitions; ++r) {
      auto extents = out.extentsOf(r);
      if (extents.empty()) continue;
      const int owner = shuffleOwner(r, numExec);
      if (owner == in.executor) {
        // This executor's own partitions stay where its map tasks wrote them and are read in
        // place: not copied into a send buffer and through MPI to itself.
        if (size_t(r) < out.buckets.size()) keptMemory += out.buckets[size_t(r)].size();
        in.byReducePartition[r].push_back({mapPart, std::move(extents)});
        continue;
      }
      SegmentHeader h{mapPart, r, 0};
      for (const auto& e : extents) h.length += e.length;
      streams[size_t(owner)].addSegment(h, std::move(extents));
    }
  }
  keptMemory = std::min(keptMemory, outputMemory);
  std::vector<uint64_t> counts(static_cast<size_t>(numExec));
  for (int d = 0; d < numExec; ++d) counts[size_t(d)] = streams[size_t(d)].bytes();

  try {
    Receiver receiver(*this, in, shuffle, numReducePartitions, numExec);
    // Received data that fits the memory budget lands in one buffer it stays in (no staging
    // copy, no buffer per segment); past the budget it is placed segment by segment, spilling.
    uint64_t directBytes = 0;
    const bool direct = mpi::alltoallvStreamed(
        executors, counts, roundPairBytes(maxRoundBytes, memoryLimit_, numExec),
        [&](int d, std::span<std::byte> dst) { streams[size_t(d)].fill(dst); },
        [&](int s, std::span<const std::byte> bytes) { receiver.consume(s, bytes); },
        [&](uint64_t total) -> std::byte* {
          ByteBuffer* buf = receiveBuffer(in, total);
          if (!buf) return nullptr;
          directBytes = total;
          return buf->data();
        });
    if (direct)
      receiver.adopt(in.direct.data(), directBytes);
    else
      receiver.finish();
  } catch (...) {
    release(in.memoryBytes + outputMemory);
    throw;
  }
  streams.clear();
  // What was sent goes: its buckets now, and a map output's spill file unless a kept
  // partition has bytes in it. The kept ones stay with the shuffle's input, counted there.
  for (auto& [mapPart, out] : outputs) {
    bool fileKept = false;
    for (int r = 0; r < numReducePartitions; ++r) {
      const bool kept = shuffleOwner(r, numExec) == in.executor;
      if (!kept && size_t(r) < out.buckets.size()) out.buckets[size_t(r)] = ByteBuffer();
      if (size_t(r) < out.spilled.size()) {
        if (kept && !out.spilled[size_t(r)].empty()) fileKept = true;
        if (!kept) out.spilled[size_t(r)].clear();
      }
    }
    if (!fileKept) out.file.reset();
  }
  in.localOutputs = std::move(outputs);
  in.memoryBytes += keptMemory;
  release(outputMemory - keptMemory);
  sortByMapPartition(in.byReducePartition);
  keepInput(shuffle, std::move(in));
}

const std::vector<ShuffleSegment>* ShuffleStore::segmentsHeld(int shuffle,
                                                              int reducePartition) const {
  auto it = inputs_.find(shuffle);
  if (it == inputs_.end())
    throw Error("internal: shuffle " + std::to_string(shuffle) + " has no data on this executor");
  const Input& in = it->second;
  if (shuffleOwner(reducePartition, in.numExecutors) != in.executor)
    throw Error("internal: reduce partition " + std::to_string(reducePartition) + " of shuffle " +
                std::to_string(shuffle) + " lives on executor " +
                std::to_string(shuffleOwner(reducePartition, in.numExecutors)) + ", not here");
  auto seg = in.byReducePartition.find(reducePartition);
  return seg == in.byReducePartition.end() ? nullptr : &seg->second;
}

std::vector<ShuffleSegment> ShuffleStore::segments(int shuffle, int reducePartition) const {
  std::lock_guard lock(mutex_);
  const auto* held = segmentsHeld(shuffle, reducePartition);
  if (!held) return {};
  if (TaskMetrics* m = TaskMetrics::current())
    for (const auto& s : *held) m->shuffleBytesRead += s.bytes();
  return *held;
}

uint64_t ShuffleStore::partitionBytes(int shuffle, int reducePartition) const {
  std::lock_guard lock(mutex_);
  uint64_t bytes = 0;
  if (const auto* held = segmentsHeld(shuffle, reducePartition))
    for (const auto& s : *held) bytes += s.bytes();
  return bytes;
}

void ShuffleStore::dropMapOutputs() {
  std::lock_guard lock(mutex_);
  for (auto& [shuffle, outputs] : mapOutputs_)
    for (auto& [mapPart, out] : outputs) memoryUsed_ -= std::min(out.memoryBytes, memoryUsed_);
  mapOutputs_.clear();
}

std::vector<uint64_t> ShuffleStore::bucketSizeHint(int shuffle) const {
  std::lock_guard lock(mutex_);
  auto it = bucketSizeHints_.find(shuffle);
  return it == bucketSizeHints_.end() ? std::vector<uint64_t>{} : it->second;
}

void ShuffleStore::drop(int shuffle) {
  std::lock_guard lock(mutex_);
  bucketSizeHints_.erase(shuffle);
  if (auto it = mapOutputs_.find(shuffle); it != mapOutputs_.end()) {
    for (auto& [mapPart, out] : it->second) memoryUsed_ -= std::min(out.memoryBytes, memoryUsed_);
    mapOutputs_.erase(it);
  }
  if (auto it = inputs_.find(shuffle); it != inputs_.end()) {
    retire(it->second);
    inputs_.erase(it);
  }
}

void ShuffleStore::keepInput(int shuffle, Input in) {
  std::lock_guard lock(mutex_);
  if (auto it = inputs_.find(shuffle); it != inputs_.end())  // e.g. a restore that failed
    retire(it->second);
  inputs_[shuffle] = std::move(in);
}

bool ShuffleStore::holds(int shuffle) const {
  std::lock_guard lock(mutex_);
  return inputs_.count(shuffle) != 0;
}

// Saved shuffle files: the index has one row per segment.
enum SavedColumn { kReduce, kMap, kOffset, kLength, kSavedColumns };

void ShuffleStore::save(int shuffle, const std::string& path) const {
  std::vector<std::pair<int, std::vector<ShuffleSegment>>> parts;
  int executor = 0, numExecutors = 1;
  {
    std::lock_guard lock(mutex_);
    auto it = inputs_.find(shuffle);
    if (it == inputs_.end())
      throw Error("internal: shuffle " + std::to_string(shuffle) + " has no data to save");
    executor = it->second.executor;
    numExecutors = it->second.numExecutors;
    parts.assign(it->second.byReducePartition.begin(), it->second.byReducePartition.end());
  }
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  io::Hdf5BlobWriter out(path);
  std::vector<uint64_t> index;
  std::vector<std::byte> staging(size_t(1) << 20);
  for (const auto& [r, segments] : parts) {
    for (const ShuffleSegment& seg : segments) {
      index.insert(index.end(), {uint64_t(r), uint64_t(seg.mapPartition), out.size(), seg.bytes()});
      for (const ShuffleExtent& e : seg.extents) {
        if (e.memory) {
          out.append(e.memory, size_t(e.length));
          continue;
        }
        for (uint64_t done = 0; done < e.length;) {
          size_t n = size_t(std::min<uint64_t>(staging.size(), e.length - done));
          e.file->readAt(e.offset + done, staging.data(), n);
          out.append(staging.data(), n);
          done += n;
        }
      }
    }
  }
  out.setIndex(index, kSavedColumns);
  out.setAttribute("kiln_executor", std::to_string(executor));
  out.setAttribute("kiln_executors", std::to_string(numExecutors));
  out.close();
}

void ShuffleStore::load(int shuffle, const std::string& path, int executor, int numExecutors,
                        int numReducePartitions) {
  io::Hdf5BlobReader file(path);
  if (file.attribute("kiln_executor") != std::to_string(executor) ||
      file.attribute("kiln_executors") != std::to_string(numExecutors))
    throw Error("saved shuffle " + path + ": written by executor " +
                file.attribute("kiln_executor") + " of " + file.attribute("kiln_executors") +
                ", not " + std::to_string(executor) + " of " + std::to_string(numExecutors));
  std::vector<uint64_t> index = file.index(kSavedColumns);
  Input in;
  in.executor = executor;
  in.numExecutors = numExecutors;
  std::vector<std::byte> staging(size_t(1) << 20);
  try {
    for (size_t i = 0; i < index.size(); i += kSavedColumns) {
      const uint64_t r = index[i + kReduce], length = index[i + kLength];
      if (r >= uint64_t(numReducePartitions) || shuffleOwner(int(r), numExecutors) != executor ||
          index[i + kOffset] + length > file.size())
        throw Error("saved shuffle " + path + ": corrupt index row " +
                    std::to_string(i / kSavedColumns));
      ShuffleExtent e = placeReceived(in, shuffle, length);
      if (e.memory) {
        file.read(index[i + kOffset], const_cast<std::byte*>(e.memory), size_t(length));
      } else {
        for (uint64_t done = 0; done < length;) {
          size_t n = size_t(std::min<uint64_t>(staging.size(), length - done));
          file.read(index[i + kOffset] + done, staging.data(), n);
          in.receivedFile->writeAt(e.offset + done, staging.data(), n);
          done += n;
        }
      }
      in.byReducePartition[int(r)].push_back({int(index[i + kMap]), {e}});
    }
  } catch (...) {
    release(in.memoryBytes);
    throw;
  }
  sortByMapPartition(in.byReducePartition);
  keepInput(shuffle, std::move(in));
}

}  // namespace kiln::sched
