// sc.hdf5 / sc.hdf5Columns: partitions are row ranges of one dataset (or of equal-length
// column datasets) in one of the input files; each task reads only its own rows.
#pragma once

#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "../../io/file_stamp.hpp"
#include "../../sched/task_context.hpp"
#include "../hdf5_layout.hpp"
#include "../node.hpp"

namespace kiln::detail {

struct Hdf5Slice {
  size_t file = 0;  // index into the node's files
  uint64_t start = 0;
  uint64_t count = 0;
};

// Cuts each file's rows into ranges of at most rowsPerPartition (an empty file: no partition).
inline std::string hdf5Identity(const std::vector<std::string>& files,
                                const std::vector<std::string>& datasets,
                                const std::vector<Hdf5Slice>& slices) {
  std::string s;
  for (const auto& f : files) s += io::fileStamp(f) + ";";
  for (const auto& d : datasets) s += d + ";";
  for (const auto& sl : slices)
    s += std::to_string(sl.file) + "@" + std::to_string(sl.start) + "+" + std::to_string(sl.count) +
         ";";
  return s;
}

inline std::vector<Hdf5Slice> hdf5Slices(const std::vector<uint64_t>& rowsPerFile,
                                         uint64_t rowsPerPartition) {
  std::vector<Hdf5Slice> slices;
  for (size_t f = 0; f < rowsPerFile.size(); ++f)
    for (uint64_t s = 0; s < rowsPerFile[f]; s += rowsPerPartition)
      slices.push_back({f, s, std::min(rowsPerPartition, rowsPerFile[f] - s)});
  return slices;
}

// Rows are read in chunks of about this many bytes, so a partition never needs a second copy
// of itself in memory.
constexpr uint64_t kHdf5ChunkBytes = 4 << 20;

template <class T>
class Hdf5SourceNode final : public Node<T> {
 public:
  Hdf5SourceNode(std::shared_ptr<sched::Runtime> rt, std::vector<std::string> files,
                 std::string dataset, io::RecordLayout layout, uint64_t rowLength,
                 std::vector<Hdf5Slice> slices)
      : Node<T>(std::move(rt), int(slices.size()), "hdf5"),
        files_(std::move(files)),
        dataset_(std::move(dataset)),
        layout_(std::move(layout)),
        rowLength_(rowLength),
        slices_(std::move(slices)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  std::string identityParameters() const override {
    return Node<T>::identityParameters() + "|" + hdf5Identity(files_, {dataset_}, slices_);
  }

  void doCompute(int p, BlockSink<T>& out) const override {
    const Hdf5Slice& slice = slices_[size_t(p)];
    using Element = typename Hdf5Element<T>::type;
    const uint64_t rowBytes = layout_.shape == io::RecordLayout::Shape::Compound
                                  ? sizeof(T)
                                  : sizeof(Element) * rowLength_;
    const uint64_t chunkRows =
        std::max<uint64_t>(1, kHdf5ChunkBytes / std::max<uint64_t>(1, rowBytes));
    std::vector<T> records;
    std::vector<Element> flat;  // rows of std::vector<E> are read flat, then split
    for (uint64_t done = 0; done < slice.count; done += chunkRows) {
      TaskContext::checkCancelled();
      uint64_t n = std::min(chunkRows, slice.count - done);
      sched::countInputBytes(n * rowBytes);
      if constexpr (IsVector<T>::value) {
        flat.resize(n * rowLength_);
        io::readRows(files_[slice.file], dataset_, layout_, rowLength_, slice.start + done, n,
                     flat.data());
        records.clear();
        for (uint64_t r = 0; r < n; ++r)
          records.emplace_back(flat.begin() + long(r * rowLength_),
                               flat.begin() + long((r + 1) * rowLength_));
      } else {
        records.resize(n);
        io::readRows(files_[slice.file], dataset_, layout_, rowLength_, slice.start + done, n,
                     records.data());
      }
      for (size_t i = 0; i < records.size(); i += kBlockRecords)
        out.push(std::span<T>(records.data() + i, std::min(kBlockRecords, records.size() - i)));
    }
  }

 private:
  template <class X>
  struct IsVector : std::false_type {};
  template <class E>
  struct IsVector<std::vector<E>> : std::true_type {};
  std::vector<std::string> files_;
  std::string dataset_;
  io::RecordLayout layout_;
  uint64_t rowLength_;
  std::vector<Hdf5Slice> slices_;
};

// Equal-length 1-D datasets read side by side as the fields of a tuple.
template <class... Ts>
class Hdf5ColumnsNode final : public Node<std::tuple<Ts...>> {
 public:
  Hdf5ColumnsNode(std::shared_ptr<sched::Runtime> rt, std::vector<std::string> files,
                  std::vector<std::string> datasets, std::vector<Hdf5Slice> slices)
      : Node<std::tuple<Ts...>>(std::move(rt), int(slices.size()), "hdf5Columns"),
        files_(std::move(files)),
        datasets_(std::move(datasets)),
        slices_(std::move(slices)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  std::string identityParameters() const override {
    return Node<std::tuple<Ts...>>::identityParameters() + "|" +
           hdf5Identity(files_, datasets_, slices_);
  }

  void doCompute(int p, BlockSink<std::tuple<Ts...>>& out) const override {
    const Hdf5Slice& slice = slices_[size_t(p)];
    const uint64_t chunkRows = std::max<uint64_t>(1, kHdf5ChunkBytes / (0 + ... + sizeof(Ts)));
    std::tuple<std::vector<Ts>...> columns;
    std::vector<std::tuple<Ts...>> records;
    for (uint64_t done = 0; done < slice.count; done += chunkRows) {
      TaskContext::checkCancelled();
      uint64_t n = std::min(chunkRows, slice.count - done);
      sched::countInputBytes(n * (0 + ... + sizeof(Ts)));
      [&]<size_t... I>(std::index_sequence<I...>) {
        ((std::get<I>(columns).resize(n),
          io::readRows(files_[slice.file], datasets_[I], Hdf5Record<Ts>::layout(), 1,
                       slice.start + done, n, std::get<I>(columns).data())),
         ...);
        records.clear();
        for (uint64_t r = 0; r < n; ++r) records.emplace_back(std::get<I>(columns)[r]...);
      }
      (std::index_sequence_for<Ts...>{});
      for (size_t i = 0; i < records.size(); i += kBlockRecords)
        out.push(std::span<std::tuple<Ts...>>(records.data() + i,
                                              std::min(kBlockRecords, records.size() - i)));
    }
  }

 private:
  std::vector<std::string> files_;
  std::vector<std::string> datasets_;
  std::vector<Hdf5Slice> slices_;
};

}  // namespace kiln::detail
