#include "hdf5_reader.hpp"

#include <hdf5.h>

#include <mutex>

#include "../util/error.hpp"
#include "hdf5_lock.hpp"
#include "hdf5_types.hpp"

namespace kiln::io {
namespace {

// Closes an HDF5 handle at scope exit.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Handle() {
    if (id >= 0) close(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

[[noreturn]] void fail(const std::string& file, const std::string& dataset,
                       const std::string& why) {
  throw Error("hdf5: " + file + (dataset.empty() ? "" : ": dataset " + dataset) + ": " + why);
}

bool isFloat(ScalarKind k) { return k == ScalarKind::Float32 || k == ScalarKind::Float64; }
bool isSigned(ScalarKind k) {
  return k == ScalarKind::Int8 || k == ScalarKind::Int16 || k == ScalarKind::Int32 ||
         k == ScalarKind::Int64;
}

// Whether stored values of type `stored` fit `kind` exactly.
std::string mismatch(hid_t stored, ScalarKind kind) {
  H5T_class_t cls = H5Tget_class(stored);
  size_t bytes = H5Tget_size(stored), want = H5Tget_size(nativeType(kind));
  if (cls == H5T_FLOAT) {
    if (!isFloat(kind))
      return "holds " + std::to_string(bytes * 8) + "-bit floats; read them as float or double";
    if (bytes > want) return "holds 64-bit floats; read them as double";
    return "";
  }
  if (cls == H5T_INTEGER) {
    bool sign = H5Tget_sign(stored) == H5T_SGN_2;
    std::string what =
        std::to_string(bytes * 8) + "-bit " + (sign ? "signed" : "unsigned") + " integers";
    if (isFloat(kind)) return "holds " + what + "; read them as an integer type";
    if (bytes > want || (sign && !isSigned(kind)) || (!sign && isSigned(kind) && bytes >= want))
      return "holds " + what + ", which " + toString(kind) + " cannot hold exactly";
    return "";
  }
  return "holds neither integers nor floats";
}

hid_t openFile(const std::string& file) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    if (FILE* probe = std::fopen(file.c_str(), "rb")) {
      std::fclose(probe);
      fail(file, "", "not an HDF5 file, or a truncated or corrupt one");
    }
    fail(file, "", "cannot open (does it exist?)");
  }
  return f;
}

hid_t openDatasetOrFail(hid_t f, const std::string& file, const std::string& dataset) {
  if (H5Lexists(f, dataset.c_str(), H5P_DEFAULT) <= 0) fail(file, dataset, "no such dataset");
  hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  if (d < 0) fail(file, dataset, "cannot open (not a dataset?)");
  return d;
}

// A dataset opened for inspection, with its dataspace and type; closed in reverse order.
struct OpenDataset {
  Handle file, dataset, space, type;
  OpenDataset(const std::string& path, const std::string& name)
      : file(openFile(path), H5Fclose),
        dataset(openDatasetOrFail(file.id, path, name), H5Dclose),
        space(H5Dget_space(dataset.id), H5Sclose),
        type(H5Dget_type(dataset.id), H5Tclose) {}
};

hid_t compoundType(const RecordLayout& layout) {
  hid_t t = H5Tcreate(H5T_COMPOUND, layout.structBytes);
  for (const auto& f : layout.fields) H5Tinsert(t, f.name.c_str(), f.offset, nativeType(f.kind));
  return t;
}

}  // namespace

std::string toString(ScalarKind k) {
  static const char* names[] = {"int8",   "int16",  "int32",  "int64", "uint8",
                                "uint16", "uint32", "uint64", "float", "double"};
  return names[int(k)];
}

DatasetShape checkDataset(const std::string& file, const std::string& dataset,
                          const RecordLayout& layout) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become kiln::Error, not HDF5's stack print
  OpenDataset d(file, dataset);
  const Handle &space = d.space, &type = d.type;
  int rank = H5Sget_simple_extent_ndims(space.id);
  hsize_t dims[2] = {0, 0};
  if (rank < 1 || rank > 2)
    fail(file, dataset, "has rank " + std::to_string(rank) + "; Kiln reads 1-D and 2-D datasets");
  H5Sget_simple_extent_dims(space.id, dims, nullptr);
  DatasetShape shape{dims[0], rank == 2 ? dims[1] : 1};
  using S = RecordLayout::Shape;
  if (layout.shape == S::Row) {
    if (rank != 2) fail(file, dataset, "is 1-D; read it as numbers, not rows");
    if (layout.rowLength && layout.rowLength != dims[1])
      fail(file, dataset,
           "has rows of " + std::to_string(dims[1]) + " elements, not " +
               std::to_string(layout.rowLength));
  } else if (rank != 1) {
    fail(file, dataset,
         "is 2-D (" + std::to_string(dims[0]) + " x " + std::to_string(dims[1]) +
             "); read its rows as std::array<T, N> or std::vector<T>");
  }
  if (layout.shape == S::Compound) {
    if (H5Tget_class(type.id) != H5T_COMPOUND)
      fail(file, dataset, "is not a compound (struct) dataset");
    for (const auto& field : layout.fields) {
      int idx = H5Tget_member_index(type.id, field.name.c_str());
      if (idx < 0) fail(file, dataset, "has no field named " + field.name);
      Handle member(H5Tget_member_type(type.id, unsigned(idx)), H5Tclose);
      if (auto why = mismatch(member.id, field.kind); !why.empty())
        fail(file, dataset, "field " + field.name + " " + why);
    }
  } else if (auto why = mismatch(type.id, layout.scalar); !why.empty()) {
    fail(file, dataset, why);
  }
  return shape;
}

bool hasObject(const std::string& file, const std::string& path) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return false;
  bool found = H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0;
  H5Fclose(f);
  return found;
}

uint64_t checkNumericColumn(const std::string& file, const std::string& dataset) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  OpenDataset d(file, dataset);
  const Handle &space = d.space, &type = d.type;
  if (H5Sget_simple_extent_ndims(space.id) != 1) fail(file, dataset, "is not a 1-D column");
  H5T_class_t cls = H5Tget_class(type.id);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(file, dataset, "holds neither integers nor floats");
  hsize_t rows = 0;
  H5Sget_simple_extent_dims(space.id, &rows, nullptr);
  return rows;
}

void readRows(const std::string& file, const std::string& dataset, const RecordLayout& layout,
              uint64_t rowLength, uint64_t start, uint64_t count, void* dst) {
  if (count == 0) return;
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle f(openFile(file), H5Fclose);
  Handle d(H5Dopen2(f.id, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.id < 0) fail(file, dataset, "cannot open");
  Handle space(H5Dget_space(d.id), H5Sclose);
  bool rows = layout.shape == RecordLayout::Shape::Row;
  hsize_t offset[2] = {start, 0}, extent[2] = {count, rows ? rowLength : 1};
  if (H5Sselect_hyperslab(space.id, H5S_SELECT_SET, offset, nullptr, extent, nullptr) < 0)
    fail(file, dataset,
         "rows " + std::to_string(start) + ".." + std::to_string(start + count) + " out of range");
  Handle memSpace(H5Screate_simple(rows ? 2 : 1, extent, nullptr), H5Sclose);
  hid_t memType = layout.shape == RecordLayout::Shape::Compound ? compoundType(layout)
                                                                : nativeType(layout.scalar);
  herr_t status = H5Dread(d.id, memType, memSpace.id, space.id, H5P_DEFAULT, dst);
  if (layout.shape == RecordLayout::Shape::Compound) H5Tclose(memType);
  if (status < 0)
    fail(file, dataset,
         "read of rows " + std::to_string(start) + ".." + std::to_string(start + count) +
             " failed (truncated or corrupt file?)");
}

}  // namespace kiln::io
