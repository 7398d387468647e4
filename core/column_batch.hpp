// A batch of rows held column by column: what sc.hdf5ColumnBatches yields, one record per batch.
// Columnar code (cuts, derived columns, histograms) loops over a column's contiguous doubles
// instead of touching one record at a time, as Spark's ColumnarBatch does for its readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct ColumnBatch {
  uint64_t firstRow = 0;                     // row of the batch's first row in its file
  std::vector<std::vector<double>> columns;  // in the order the datasets were named

  size_t numRows() const { return columns.empty() ? 0 : columns.front().size(); }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& firstRow& columns;
  }
};

}  // namespace kiln
