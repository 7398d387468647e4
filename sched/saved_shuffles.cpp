#include "saved_shuffles.hpp"

#include <cstdio>
#include <fstream>

#include "../util/error.hpp"

namespace kiln::sched {

std::string savedShuffleDir(const std::string& checkpointDir, const std::string& identity) {
  return checkpointDir + "/shuffle-" + identity;
}

std::string savedShuffleFile(const std::string& dir, int executor) {
  return dir + "/executor-" + std::to_string(executor) + ".h5";
}

std::optional<SavedShuffleManifest> readSavedShuffleManifest(const std::string& dir) {
  std::ifstream in(dir + "/MANIFEST");
  std::string magic, key;
  SavedShuffleManifest m;
  if (!(in >> magic) || magic != "kiln-saved-shuffle-1") return std::nullopt;
  if (!(in >> key >> m.identity) || key != "identity") return std::nullopt;
  if (!(in >> key >> m.executors) || key != "executors") return std::nullopt;
  if (!(in >> key >> m.reducePartitions) || key != "reducePartitions") return std::nullopt;
  return m;
}

void writeSavedShuffleManifest(const std::string& dir, const SavedShuffleManifest& m) {
  const std::string tmp = dir + "/MANIFEST.tmp";
  {
    std::ofstream out(tmp);
    out << "kiln-saved-shuffle-1\nidentity " << m.identity << "\nexecutors " << m.executors
        << "\nreducePartitions " << m.reducePartitions << "\n";
    if (!out.flush()) throw Error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), (dir + "/MANIFEST").c_str()) != 0)
    throw Error("cannot rename " + tmp + " to MANIFEST");
}

}  // namespace kiln::sched
