// Hadoop-style output directories: part files committed one by one, _SUCCESS when complete.
#pragma once

#include <string>

namespace kiln::io {

// Creates `dir` (and parents) plus dir/_temporary. Throws kiln::Error if dir already exists,
// as Spark does, or cannot be created.
void createOutputDirectory(const std::string& dir);

// Where a task attempt writes before it commits.
std::string attemptFilePath(const std::string& dir, int partition, int attempt);
// The committed name of a partition's file: part-00000, part-00001, ...
std::string partFilePath(const std::string& dir, int partition);
// Renames an attempt's file to its part file (atomically replacing an earlier attempt's).
void commitAttemptFile(const std::string& dir, int partition, int attempt);
// Job done: removes _temporary and writes the empty _SUCCESS marker.
void commitOutputDirectory(const std::string& dir);
// Job failed or stopped: removes the directory createOutputDirectory made (nothing in it is
// complete), so the same job can run again.
void abortOutputDirectory(const std::string& dir);

}  // namespace kiln::io
