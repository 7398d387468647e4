#include "text_splits.hpp"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "../util/error.hpp"

namespace kiln::io {
namespace fs = std::filesystem;

namespace {

bool hiddenName(const std::string& name) {
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

void addPath(const fs::path& p, std::vector<std::string>& out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file() && !hiddenName(e.path().filename().string()))
        out.push_back(e.path().string());
  } else if (fs::is_regular_file(p, ec)) {
    out.push_back(p.string());
  }
}

}  // namespace

std::vector<std::string> listInputFiles(const std::string& path, const std::string& what) {
  if (path.find(',') != std::string::npos) {  // several paths, as Spark's textFile takes them
    std::vector<std::string> all;
    size_t start = 0;
    while (start <= path.size()) {
      size_t comma = std::min(path.find(',', start), path.size());
      if (comma > start)
        for (auto& f : listInputFiles(path.substr(start, comma - start), what)) all.push_back(f);
      start = comma + 1;
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
  }
  std::vector<std::string> files;
  if (path.find_first_of("*?[") != std::string::npos) {
    glob_t g{};
    if (::glob(path.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) addPath(g.gl_pathv[i], files);
    globfree(&g);
  } else {
    addPath(path, files);
  }
  std::error_code ec;
  if (files.empty()) {
    if (fs::exists(path, ec) && !fs::is_directory(path, ec))
      throw Error(what + ": input path is not a regular file: " + path);
    if (fs::is_directory(path, ec)) return files;  // an empty directory is an empty input
    throw Error(what + ": input path does not exist: " + path);
  }
  for (const auto& f : files)
    if (::access(f.c_str(), R_OK) != 0) throw Error(what + ": cannot read input file: " + f);
  std::sort(files.begin(), files.end());
  return files;
}

uint64_t splitBytes(uint64_t total, int minPartitions, uint64_t blockSize, int cores) {
  uint64_t goal = total / uint64_t(std::max(minPartitions, 1));
  uint64_t perCore = std::max(total / uint64_t(std::max(cores, 1)), kSpreadInputBytes);
  return std::max<uint64_t>(1, std::min({goal, blockSize, perCore}));
}

std::vector<FileSplit> computeSplits(const std::vector<std::string>& files, int minPartitions,
                                     uint64_t blockSize, int cores) {
  std::vector<uint64_t> sizes;
  uint64_t total = 0;
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) throw Error("textFile: cannot stat input file: " + f);
    sizes.push_back(uint64_t(st.st_size));
    total += uint64_t(st.st_size);
  }
  uint64_t splitSize = splitBytes(total, minPartitions, blockSize, cores);
  std::vector<FileSplit> splits;
  for (size_t i = 0; i < files.size(); ++i) {
    uint64_t left = sizes[i], pos = 0;
    if (left == 0) splits.push_back({files[i], 0, 0});
    while (left > 0) {
      // Hadoop's SPLIT_SLOP: do not leave a sliver of under 10 % as a split of its own.
      uint64_t n = (double(left) / double(splitSize) > 1.1) ? splitSize : left;
      splits.push_back({files[i], pos, n});
      pos += n;
      left -= n;
    }
  }
  return splits;
}

}  // namespace kiln::io
