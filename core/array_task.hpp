// Slurm job arrays: each array task processes its own slice of the inputs, and a final job
// merges the partial results (see README, "Job arrays").
//
//   auto task = kiln::ArrayTask::fromEnvironment(tasks);  // submitted with --array=0-(tasks-1)
//   auto mine = task.slice(kiln::inputFiles(argv[1]));    // every count-th file from index
//   sc.textFile(kiln::joinPaths(mine))...saveAsTextFile(partials + "/task-" + task.name());
#pragma once

#include <string>
#include <vector>

#include "../io/text_splits.hpp"

namespace kiln {

struct ArrayTask {
  int index = 0;  // position among the array's tasks, 0-based
  int count = 1;  // how many tasks the array has
  int id = -1;    // SLURM_ARRAY_TASK_ID; -1 outside a job array (then the one task owns all)

  bool inArray() const { return id >= 0; }
  std::string name() const { return std::to_string(inArray() ? id : 0); }

  // This process's task of an array of `tasks` submitted as --array=0-(tasks-1): the index is
  // SLURM_ARRAY_TASK_ID. The array's size is given, not read from Slurm, because a failed task
  // rerun alone (--array=ID) sees an array of one and must still process its original slice.
  // Outside a job array: the one task (index 0 of 1). Throws kiln::Error for an id out of range.
  static ArrayTask fromEnvironment(int tasks);

  // The items this task owns: those at positions i with i % count == index. Deterministic, so
  // a failed array task rerun alone processes the same slice.
  template <class T>
  std::vector<T> slice(const std::vector<T>& items) const {
    std::vector<T> mine;
    for (size_t i = size_t(index); i < items.size(); i += size_t(count)) mine.push_back(items[i]);
    return mine;
  }
};

// The files a path names (a file, a directory, a glob, or several of them comma-separated),
// sorted: the same list on every rank and in every array task.
inline std::vector<std::string> inputFiles(const std::string& path) {
  return io::listInputFiles(path, "inputFiles");
}
// Paths joined with commas, as textFile accepts them.
std::string joinPaths(const std::vector<std::string>& paths);

}  // namespace kiln
