// sc.hdf5ColumnBatches: partitions are row ranges of equal-length numeric columns; each
// partition yields its rows as ColumnBatch records of at most batchRows rows, converted to double.
#pragma once

#include <string>
#include <vector>

#include "../../io/hdf5_reader.hpp"
#include "../column_batch.hpp"
#include "hdf5_source_node.hpp"

namespace kiln::detail {

class Hdf5ColumnBatchNode final : public Node<ColumnBatch> {
 public:
  Hdf5ColumnBatchNode(std::shared_ptr<sched::Runtime> rt, std::vector<std::string> files,
                      std::vector<std::string> datasets, std::vector<Hdf5Slice> slices,
                      uint64_t batchRows)
      : Node<ColumnBatch>(std::move(rt), int(slices.size()), "hdf5ColumnBatches"),
        files_(std::move(files)),
        datasets_(std::move(datasets)),
        slices_(std::move(slices)),
        batchRows_(batchRows) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  std::string identityParameters() const override {
    return Node<ColumnBatch>::identityParameters() + "|" + std::to_string(batchRows_) + "|" +
           hdf5Identity(files_, datasets_, slices_);
  }

  void doCompute(int p, BlockSink<ColumnBatch>& out) const override {
    const Hdf5Slice& slice = slices_[size_t(p)];
    io::RecordLayout asDouble;  // HDF5 converts integers and floats to double as it reads
    for (uint64_t done = 0; done < slice.count; done += batchRows_) {
      TaskContext::checkCancelled();
      uint64_t n = std::min(batchRows_, slice.count - done);
      sched::countInputBytes(n * sizeof(double) * datasets_.size());
      ColumnBatch batch;
      batch.firstRow = slice.start + done;
      batch.columns.resize(datasets_.size());
      for (size_t c = 0; c < datasets_.size(); ++c) {
        batch.columns[c].resize(n);
        io::readRows(files_[slice.file], datasets_[c], asDouble, 1, slice.start + done, n,
                     batch.columns[c].data());
      }
      out.push(std::span<ColumnBatch>(&batch, 1));
    }
  }

 private:
  std::vector<std::string> files_;
  std::vector<std::string> datasets_;
  std::vector<Hdf5Slice> slices_;
  uint64_t batchRows_;
};

}  // namespace kiln::detail
