// Fixed-size binary records (binaryRecords): byte-range splits that hold whole records, and
// reading a range of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "text_splits.hpp"

namespace kiln::io {

// Splits of about splitBytes() (at least minPartitions in all, where the records allow), each a
// whole number of `recordBytes` records; the last split of a file may be up to 10 % larger.
// Throws kiln::Error naming a file whose size is not a multiple of recordBytes.
std::vector<FileSplit> computeRecordSplits(const std::vector<std::string>& files,
                                           uint64_t recordBytes, int minPartitions,
                                           uint64_t blockSize, int cores = 1);

// Reads one split's bytes in order, a buffer at a time (pread; no copy beyond the buffer).
class FileRangeReader {
 public:
  explicit FileRangeReader(const FileSplit& split);  // throws naming the file
  ~FileRangeReader();
  FileRangeReader(const FileRangeReader&) = delete;
  FileRangeReader& operator=(const FileRangeReader&) = delete;
  // Fills up to n bytes into dst; returns how many (0 at the end of the split).
  size_t read(void* dst, size_t n);

 private:
  FileSplit split_;
  int fd_ = -1;
  uint64_t done_ = 0;
};

}  // namespace kiln::io
