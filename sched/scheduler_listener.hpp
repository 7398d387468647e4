// The driver's scheduler events, designed once (as Spark's SparkListener): console progress,
// the event log and the status file are all listeners. Events arrive on the driver's
// scheduling thread; a listener must be quick (it runs between task outcomes).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "task.hpp"
#include "task_metrics.hpp"

namespace kiln::sched {

struct StageInfo {
  int stage = 0;
  int64_t job = 0;
  std::string rddName;  // the stage's last RDD
  int rddId = 0;
  int numTasks = 0;
  int shuffleId = -1;  // a shuffle map stage's shuffle, -1 for the result stage
  int numReducePartitions = 0;
  std::vector<int> parents;  // stages whose shuffles this stage reads
  bool skipped = false;      // its shuffle exists already (an earlier job, or a resumed run)
};

struct JobStartEvent {
  int64_t job = 0;
  int64_t timeMicros = 0;
  std::string description;        // the final RDD
  std::vector<StageInfo> stages;  // every stage of the job, parents before children
};
struct JobEndEvent {
  int64_t job = 0;
  int64_t timeMicros = 0;
  bool ok = false;
  bool stopped = false;
  std::string error;
};
struct TaskStartEvent {
  TaskDescriptor task;
  int executor = 0;
  int64_t timeMicros = 0;  // when the driver launched it
};
struct TaskEndEvent {
  TaskDescriptor task;
  int executor = 0;
  bool ok = false;
  std::string error;
  TaskMetrics metrics;
};
struct StageCompletedEvent {
  StageInfo info;
  int64_t submitMicros = 0;
  int64_t completeMicros = 0;
  bool ok = true;
  std::string failure;
};

class SchedulerListener {
 public:
  virtual ~SchedulerListener() = default;
  // Facts about the run (version, ranks, threads, topology, configuration, Slurm job).
  virtual void onApplicationStart(const std::vector<std::pair<std::string, std::string>>&,
                                  int64_t /*timeMicros*/) {}
  virtual void onApplicationEnd(int64_t /*timeMicros*/) {}
  virtual void onJobStart(const JobStartEvent&) {}
  virtual void onJobEnd(const JobEndEvent&) {}
  virtual void onStageSubmitted(const StageInfo&, int64_t /*timeMicros*/) {}
  virtual void onStageCompleted(const StageCompletedEvent&) {}
  virtual void onTaskStart(const TaskStartEvent&) {}
  virtual void onTaskEnd(const TaskEndEvent&) {}
  // The scheduling loop is alive (at least every 100 ms while a job runs): for redrawing.
  virtual void onTick(int64_t /*timeMicros*/) {}
};

}  // namespace kiln::sched
