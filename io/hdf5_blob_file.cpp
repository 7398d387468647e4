#include "hdf5_blob_file.hpp"

#include <hdf5.h>
#include <sys/stat.h>

#include <cstring>
#include <mutex>

#include "../util/error.hpp"
#include "hdf5_lock.hpp"

namespace kiln::io {
namespace {

constexpr size_t kChunkBytes = size_t(1) << 20;

Error fileError(const std::string& what, const std::string& path) {
  return Error("HDF5 blob file " + path + ": " + what);
}

}  // namespace

Hdf5BlobWriter::Hdf5BlobWriter(const std::string& path) : path_(path) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw fileError("cannot create", path);
  ::chmod(path.c_str(), 0600);
  hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = kChunkBytes;
  hid_t space = H5Screate_simple(1, &zero, &unlimited);
  hid_t props = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(props, 1, &chunk);
  hid_t d = H5Dcreate2(f, "bytes", H5T_NATIVE_UINT8, space, H5P_DEFAULT, props, H5P_DEFAULT);
  H5Pclose(props);
  H5Sclose(space);
  if (d < 0) {
    H5Fclose(f);
    throw fileError("cannot create the bytes dataset", path);
  }
  file_ = f;
  bytes_ = d;
  buffer_.reserve(kChunkBytes * 4);
}

Hdf5BlobWriter::~Hdf5BlobWriter() {
  std::lock_guard lock(hdf5Mutex());
  if (bytes_ >= 0) H5Dclose(hid_t(bytes_));
  if (file_ >= 0) H5Fclose(hid_t(file_));
}

void Hdf5BlobWriter::append(const std::byte* data, size_t n) {
  size_ += n;
  while (n > 0) {
    size_t take = std::min(n, buffer_.capacity() - buffer_.size());
    buffer_.insert(buffer_.end(), data, data + take);
    data += take;
    n -= take;
    if (buffer_.size() == buffer_.capacity()) flush();
  }
}

void Hdf5BlobWriter::flush() {
  if (buffer_.empty()) return;
  std::lock_guard lock(hdf5Mutex());
  hsize_t start = stored_, count = buffer_.size(), total = stored_ + buffer_.size();
  bool ok = H5Dset_extent(hid_t(bytes_), &total) >= 0;
  hid_t fileSpace = H5Dget_space(hid_t(bytes_));
  hid_t memSpace = H5Screate_simple(1, &count, nullptr);
  ok = ok && fileSpace >= 0 &&
       H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nullptr, &count, nullptr) >= 0 &&
       H5Dwrite(hid_t(bytes_), H5T_NATIVE_UINT8, memSpace, fileSpace, H5P_DEFAULT,
                buffer_.data()) >= 0;
  H5Sclose(memSpace);
  if (fileSpace >= 0) H5Sclose(fileSpace);
  ok_ = ok_ && ok;
  stored_ = total;
  buffer_.clear();
}

void Hdf5BlobWriter::setIndex(const std::vector<uint64_t>& rows, int columns) {
  if (columns < 1 || rows.size() % size_t(columns) != 0)
    throw fileError("index rows do not fill whole rows", path_);
  std::lock_guard lock(hdf5Mutex());
  hsize_t dims[2] = {rows.size() / size_t(columns), hsize_t(columns)};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  hid_t d = H5Dcreate2(hid_t(file_), "index", H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
  ok_ = ok_ && d >= 0 &&
        (rows.empty() ||
         H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  if (d >= 0) H5Dclose(d);
  H5Sclose(space);
}

void Hdf5BlobWriter::setAttribute(const std::string& name, const std::string& value) {
  std::lock_guard lock(hdf5Mutex());
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  hid_t scalar = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(hid_t(file_), name.c_str(), type, scalar, H5P_DEFAULT, H5P_DEFAULT);
  const char* v = value.c_str();
  ok_ = ok_ && attr >= 0 && H5Awrite(attr, type, &v) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(scalar);
  H5Tclose(type);
}

void Hdf5BlobWriter::close() {
  flush();
  std::lock_guard lock(hdf5Mutex());
  bool ok = H5Dclose(hid_t(bytes_)) >= 0;
  ok = H5Fclose(hid_t(file_)) >= 0 && ok;
  bytes_ = file_ = -1;
  if (!(ok && ok_)) throw fileError("cannot write (disk full?)", path_);
}

Hdf5BlobReader::Hdf5BlobReader(const std::string& path) : path_(path) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw fileError("cannot open", path);
  hid_t d = H5Dopen2(f, "bytes", H5P_DEFAULT);
  hid_t space = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t n = 0;
  if (space < 0 || H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_dims(space, &n, nullptr) < 0) {
    if (space >= 0) H5Sclose(space);
    if (d >= 0) H5Dclose(d);
    H5Fclose(f);
    throw fileError("has no 1-D bytes dataset", path);
  }
  H5Sclose(space);
  file_ = f;
  bytes_ = d;
  size_ = n;
}

Hdf5BlobReader::~Hdf5BlobReader() {
  std::lock_guard lock(hdf5Mutex());
  H5Dclose(hid_t(bytes_));
  H5Fclose(hid_t(file_));
}

std::vector<uint64_t> Hdf5BlobReader::index(int columns) const {
  std::lock_guard lock(hdf5Mutex());
  hid_t d = H5Dopen2(hid_t(file_), "index", H5P_DEFAULT);
  hid_t space = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t dims[2] = {0, 0};
  bool ok = space >= 0 && H5Sget_simple_extent_ndims(space) == 2 &&
            H5Sget_simple_extent_dims(space, dims, nullptr) >= 0 && dims[1] == hsize_t(columns);
  std::vector<uint64_t> rows(ok ? dims[0] * dims[1] : 0);
  ok = ok && (rows.empty() ||
              H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  if (space >= 0) H5Sclose(space);
  if (d >= 0) H5Dclose(d);
  if (!ok)
    throw fileError("has no readable index of " + std::to_string(columns) + " columns", path_);
  return rows;
}

std::string Hdf5BlobReader::attribute(const std::string& name) const {
  std::lock_guard lock(hdf5Mutex());
  if (H5Aexists(hid_t(file_), name.c_str()) <= 0) return "";
  hid_t attr = H5Aopen(hid_t(file_), name.c_str(), H5P_DEFAULT);
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  char* v = nullptr;
  std::string out;
  if (attr >= 0 && H5Aread(attr, type, &v) >= 0 && v) {
    out = v;
    H5free_memory(v);
  }
  H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  return out;
}

void Hdf5BlobReader::read(uint64_t offset, std::byte* dst, size_t n) const {
  if (n == 0) return;
  if (offset + n > size_) throw fileError("read past the end (truncated?)", path_);
  std::lock_guard lock(hdf5Mutex());
  hsize_t start = offset, count = n;
  hid_t fileSpace = H5Dget_space(hid_t(bytes_));
  hid_t memSpace = H5Screate_simple(1, &count, nullptr);
  bool ok = fileSpace >= 0 &&
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nullptr, &count, nullptr) >= 0 &&
            H5Dread(hid_t(bytes_), H5T_NATIVE_UINT8, memSpace, fileSpace, H5P_DEFAULT, dst) >= 0;
  H5Sclose(memSpace);
  if (fileSpace >= 0) H5Sclose(fileSpace);
  if (!ok)
    throw fileError(
        "cannot read bytes " + std::to_string(offset) + ".." + std::to_string(offset + n), path_);
}

}  // namespace kiln::io
