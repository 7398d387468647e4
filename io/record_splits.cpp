#include "record_splits.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "../util/error.hpp"

namespace kiln::io {

std::vector<FileSplit> computeRecordSplits(const std::vector<std::string>& files,
                                           uint64_t recordBytes, int minPartitions,
                                           uint64_t blockSize, int cores) {
  if (recordBytes == 0) throw Error("binaryRecords: the record size must be positive");
  uint64_t total = 0;
  std::vector<uint64_t> sizes;
  for (const auto& f : files) {
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(f, ec);
    if (ec) throw Error("binaryRecords: cannot read the size of " + f + ": " + ec.message());
    if (size % recordBytes != 0)
      throw Error("binaryRecords: " + f + " has " + std::to_string(size) +
                  " bytes, not a whole number of " + std::to_string(recordBytes) + "-byte records");
    sizes.push_back(size);
    total += size;
  }
  uint64_t goal = splitBytes(total, minPartitions, blockSize, cores);
  goal = std::max(recordBytes, goal / recordBytes * recordBytes);
  std::vector<FileSplit> splits;
  for (size_t i = 0; i < files.size(); ++i) {
    uint64_t left = sizes[i], start = 0;
    if (left == 0) splits.push_back({files[i], 0, 0});
    while (left > 0) {
      uint64_t n = left * 10 <= goal * 11 ? left : goal;  // the last one may be 10 % larger
      splits.push_back({files[i], start, n});
      start += n;
      left -= n;
    }
  }
  return splits;
}

FileRangeReader::FileRangeReader(const FileSplit& split) : split_(split) {
  fd_ = ::open(split.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw Error("binaryRecords: cannot open " + split.path + ": " + std::strerror(errno));
}

FileRangeReader::~FileRangeReader() {
  if (fd_ >= 0) ::close(fd_);
}

size_t FileRangeReader::read(void* dst, size_t n) {
  n = size_t(std::min<uint64_t>(n, split_.length - done_));
  size_t got = 0;
  while (got < n) {
    ssize_t r =
        ::pread(fd_, static_cast<char*>(dst) + got, n - got, off_t(split_.start + done_ + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw Error("binaryRecords: cannot read " + split_.path + " at byte " +
                  std::to_string(split_.start + done_ + got) +
                  (r == 0 ? ": the file is shorter than it was"
                          : ": " + std::string(std::strerror(errno))));
    got += size_t(r);
  }
  done_ += got;
  return got;
}

}  // namespace kiln::io
