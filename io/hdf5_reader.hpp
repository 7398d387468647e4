// Reading rows of HDF5 datasets: a row range (hyperslab along the first dimension) at a time.
// Knows files and memory layouts, nothing of RDDs; HDF5's own headers stay in the .cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io {

enum class ScalarKind {
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float32,
  Float64
};
std::string toString(ScalarKind kind);

// A struct member in memory, for compound datasets (matched to the file's members by name).
struct FieldLayout {
  std::string name;
  size_t offset = 0;
  ScalarKind kind = ScalarKind::Float64;
};

// What one record looks like in memory.
struct RecordLayout {
  enum class Shape { Scalar, Row, Compound };
  Shape shape = Shape::Scalar;
  ScalarKind scalar = ScalarKind::Float64;  // Scalar, Row: the element type
  uint64_t rowLength = 0;                   // Row: elements per row, 0 = whatever the file has
  std::vector<FieldLayout> fields;          // Compound
  size_t structBytes = 0;                   // Compound: sizeof the struct
};

struct DatasetShape {
  uint64_t rows = 0;       // first dimension
  uint64_t rowLength = 1;  // second dimension of a 2-D dataset
};

// Opens file/dataset and checks that its records can be read as `layout` without losing
// information: the same element class (integers as integers, floats as floats) no wider than
// memory, rank 1 for scalars and compounds, rank 2 (and the row length) for rows, every field
// present. Throws kiln::Error naming the file and the dataset.
DatasetShape checkDataset(const std::string& file, const std::string& dataset,
                          const RecordLayout& layout);

// Whether file (an HDF5 file) has a dataset or group at that path; false if it cannot be opened.
bool hasObject(const std::string& file, const std::string& path);

// Opens file/dataset and checks that it is a 1-D dataset of integers or floats, which
// readRows converts to double when asked for Float64 (integers beyond 2^53 round). Returns the
// row count. Throws kiln::Error naming the file and the dataset.
uint64_t checkNumericColumn(const std::string& file, const std::string& dataset);

// Reads rows [start, start + count) into dst: count records of the layout, back to back
// (count * rowLength elements for rows). Thread-safe: HDF5 calls are serialized.
void readRows(const std::string& file, const std::string& dataset, const RecordLayout& layout,
              uint64_t rowLength, uint64_t start, uint64_t count, void* dst);

}  // namespace kiln::io
