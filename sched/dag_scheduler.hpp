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
#include "listener_bus.hpp"

namespace kiln::sched {

// Which task attempt made a result, on which executor; executor -1: the driver alone holds it
// (merged on the driver, or made in local mode).
struct ResultSource {
  int executor = -1;
  int attempt = 0;
};

struct JobOutcome {
  bool ok = false;
  bool stopped = false;  // not failed: stopped at a safe point on request (stop_signal.hpp)
  std::string error;
  std::vector<ByteBuffer> results;    // one per requested partition, in request order
  std::vector<ResultSource> sources;  // where each result was made
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
  const std::set<int>& availableShuffles() const { return availableShuffles_; }
  // Read between task outcomes: when it returns true, the job stops (running tasks are
  // abandoned, exchanged shuffles stay) and its outcome says `stopped`.
  void setStopCheck(std::function<bool()> check) { stopCheck_ = std::move(check); }
  // Where the scheduler's events go (job, stage and task starts and ends, ticks).
  void setListenerBus(ListenerBus* bus) { bus_ = bus; }
  // Asked before a missing shuffle's map stage is planned: true when it loaded the shuffle's
  // data from an earlier run's save, so the stage and its parents need not run.
  using ShuffleRestorer = std::function<bool(const ShuffleDependency&, ExecutorBackend&)>;
  void setShuffleRestorer(ShuffleRestorer restore) { restore_ = std::move(restore); }

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
  std::function<bool()> stopCheck_;
  ShuffleRestorer restore_;
  ExecutorBackend* backend_ = nullptr;  // while runJob runs
  ListenerBus* bus_ = nullptr;
  StageInfo describe(const Stage& s, int64_t job, int numTasks) const;
  int nextStageId_ = 0;
  std::set<int> availableShuffles_;
  std::map<int, std::unique_ptr<Stage>> mapStages_;  // by shuffle id
};

}  // namespace kiln::sched
