// An HDF5 file that holds a byte stream and a table describing it: datasets "bytes" (1-D uint8,
// appended to in chunks) and "index" (rows of uint64), plus string attributes on the file. Saved
// shuffle data uses it; h5py and h5dump read it like any HDF5 file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io {

class Hdf5BlobWriter {
 public:
  // Creates (or truncates) path, readable by its owner only.
  explicit Hdf5BlobWriter(const std::string& path);
  ~Hdf5BlobWriter();  // closes without the checks of close()
  Hdf5BlobWriter(const Hdf5BlobWriter&) = delete;
  Hdf5BlobWriter& operator=(const Hdf5BlobWriter&) = delete;

  void append(const std::byte* data, size_t n);
  uint64_t size() const { return size_; }
  // rows.size() must be a multiple of columns.
  void setIndex(const std::vector<uint64_t>& rows, int columns);
  void setAttribute(const std::string& name, const std::string& value);
  // Writes what is buffered and closes the file; throws naming the file when anything failed.
  void close();

 private:
  void flush();
  std::string path_;
  long file_ = -1;  // hid_t, kept out of this header
  long bytes_ = -1;
  std::vector<std::byte> buffer_;
  uint64_t size_ = 0;    // bytes appended
  uint64_t stored_ = 0;  // bytes in the dataset
  bool ok_ = true;
};

class Hdf5BlobReader {
 public:
  explicit Hdf5BlobReader(const std::string& path);
  ~Hdf5BlobReader();
  Hdf5BlobReader(const Hdf5BlobReader&) = delete;
  Hdf5BlobReader& operator=(const Hdf5BlobReader&) = delete;

  uint64_t size() const { return size_; }
  // The index table, row after row; throws unless it has `columns` columns.
  std::vector<uint64_t> index(int columns) const;
  // An attribute's value, or "" when the file has none of that name.
  std::string attribute(const std::string& name) const;
  void read(uint64_t offset, std::byte* dst, size_t n) const;

 private:
  std::string path_;
  long file_ = -1;
  long bytes_ = -1;
  uint64_t size_ = 0;
};

}  // namespace kiln::io
