// Shuffles saved when a job stops at a safe point (time limit), for the resumed run to load
// instead of recomputing: CHECKPOINT_DIR/shuffle-IDENTITY/ holds executor-E.h5 from each
// executor (ShuffleStore::save) and a MANIFEST, written last by the driver once all succeeded.
#pragma once

#include <optional>
#include <string>

namespace kiln::sched {

struct SavedShuffleManifest {
  std::string identity;
  int executors = 0;
  int reducePartitions = 0;
};

std::string savedShuffleDir(const std::string& checkpointDir, const std::string& identity);
std::string savedShuffleFile(const std::string& dir, int executor);
// Nothing when the directory has no complete manifest.
std::optional<SavedShuffleManifest> readSavedShuffleManifest(const std::string& dir);
// Atomically (a rename), so a reader sees all of it or none.
void writeSavedShuffleManifest(const std::string& dir, const SavedShuffleManifest& m);

}  // namespace kiln::sched
