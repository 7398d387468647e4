// The driver's scheduler: turns a job into stages cut at shuffles, runs their tasks on the
// executors, retries failures, and returns each result task's value.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "executor_backend.hpp"
#include "lineage.hpp"

namespace kiln::sched {

struct JobOutcome {
  bool ok = false;
  std::string error;
  std::vector<ByteBuffer> results;  // one per requested partition, in request order
};

class DagScheduler {
 public:
  // onTaskSuccess sees each accepted successful outcome once (not stragglers or duplicates).
  DagScheduler(int maxTaskFailures, std::ostream* log,
               std::function<void(const TaskOutcome&)> onTaskSuccess)
      : maxTaskFailures_(maxTaskFailures), log_(log), onTaskSuccess_(std::move(onTaskSuccess)) {}

  JobOutcome runJob(int64_t job, const LineageNode& finalRdd, const std::vector<int>& partitions,
                    ExecutorBackend& backend);
  // Shuffle outputs survive across jobs until their RDD is gone.
  void forgetShuffle(int shuffle) {
    availableShuffles_.erase(shuffle);
    mapStages_.erase(shuffle);
  }
  bool shuffleAvailable(int shuffle) const { return availableShuffles_.count(shuffle) != 0; }

 private:
  // A set of tasks that pipeline narrow dependencies: a shuffle's map side, or the job's result.
  struct Stage {
    int id = 0;
    const LineageNode* rdd = nullptr;
    const ShuffleDependency* shuffle = nullptr;  // set for a shuffle map stage
    std::vector<Stage*> parents;
  };
  struct StageRun;
  // Stages are built once per job (memo by shuffle id), and not past shuffles that are
  // already available: lineages that reuse RDDs stay linear, not exponential, to walk.
  using StageMemo = std::unordered_map<int, Stage*>;
  Stage& mapStageFor(const ShuffleDependency& dep, StageMemo& memo);
  std::vector<Stage*> parentStages(const LineageNode& rdd, StageMemo& memo);

  int maxTaskFailures_;
  std::ostream* log_;
  std::function<void(const TaskOutcome&)> onTaskSuccess_;
  int nextStageId_ = 0;
  std::set<int> availableShuffles_;
  std::map<int, std::unique_ptr<Stage>> mapStages_;  // by shuffle id
};

}  // namespace kiln::sched
