// A checkpoint on disk: DIR/part-NNNNN.h5 (a partition's records, serialized, in a spill-format
// HDF5 file) and DIR/MANIFEST, written last, listing each part's size and hash. A directory
// without a MANIFEST, or whose parts do not match it, is not a checkpoint.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "../io/spill_file.hpp"
#include "../sched/lineage_identity.hpp"
#include "serialization/codec.hpp"

namespace kiln::detail {

inline std::string checkpointPartPath(const std::string& dir, int p) {
  char name[32];
  std::snprintf(name, sizeof name, "/part-%05d.h5", p);
  return dir + name;
}

struct CheckpointManifest {
  std::string identity;
  std::vector<std::pair<uint64_t, std::string>> parts;  // bytes, hash
};

// Nothing if the manifest is missing or malformed.
inline std::optional<CheckpointManifest> readManifest(const std::string& dir) {
  std::ifstream in(dir + "/MANIFEST");
  std::string magic, key;
  CheckpointManifest m;
  size_t n = 0;
  if (!(in >> magic >> key >> m.identity >> key >> n) || magic != "kiln-checkpoint-1")
    return std::nullopt;
  for (size_t i = 0; i < n; ++i) {
    size_t p;
    uint64_t bytes;
    std::string hash;
    if (!(in >> p >> bytes >> hash) || p != i) return std::nullopt;
    m.parts.emplace_back(bytes, hash);
  }
  return m;
}

template <class T>
std::vector<T> readCheckpointPartition(const std::string& dir, int p) {
  ByteBuffer bytes = io::readSpillFile(checkpointPartPath(dir, p));
  std::vector<T> records;
  ByteReader in(bytes.span());
  while (!in.atEnd()) records.push_back(decode<T>(in));
  return records;
}

}  // namespace kiln::detail
