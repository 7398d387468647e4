// Which bytes of which files each partition of a text input reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io {

struct FileSplit {
  std::string path;
  uint64_t start = 0;   // first byte of the range
  uint64_t length = 0;  // bytes in the range
};

// The files named by `path`: a file, a directory (its regular files, skipping names that start
// with '_' or '.', as Hadoop does), or a glob pattern. Sorted by name. Throws kiln::Error naming
// the path when nothing matches. Several comma-separated paths give the union of their files.
// `what` names the caller in error messages ("textFile", "hdf5").
std::vector<std::string> listInputFiles(const std::string& path,
                                        const std::string& what = "textFile");

// The smallest split made to spread an input over the cores (Spark SQL's openCostInBytes).
inline constexpr uint64_t kSpreadInputBytes = 4ULL << 20;

// The size of one split of `total` bytes: Hadoop's goal of total/minPartitions, capped by
// `blockSize` and (Spark SQL's bytes per core) by max(total/cores, kSpreadInputBytes), so a
// large input gives every core a split however large the block size.
uint64_t splitBytes(uint64_t total, int minPartitions, uint64_t blockSize, int cores);

// Byte-range splits as Hadoop's FileInputFormat makes them, of splitBytes() each, with the last
// split of a file up to 10 % larger. An empty file is one empty split.
std::vector<FileSplit> computeSplits(const std::vector<std::string>& files, int minPartitions,
                                     uint64_t blockSize, int cores = 1);

}  // namespace kiln::io
