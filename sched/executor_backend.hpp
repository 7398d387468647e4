// How the driver reaches its executors: in-process (local mode) or over MPI.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "task.hpp"

namespace kiln::sched {

class ExecutorBackend {
 public:
  virtual ~ExecutorBackend() = default;
  virtual int numExecutors() const = 0;
  // Tasks executor e runs at once (its cores).
  virtual int slots(int executor) const = 0;
  // Whether a task may wait queued on a busy executor: worth it when every hand-out costs a
  // message round trip.
  virtual bool queuesAhead() const { return false; }
  virtual void launch(int executor, const std::vector<TaskDescriptor>& tasks) = 0;
  // The next finished task, or nothing after a short wait. moreToLaunch: whether tasks of the
  // job still wait to be handed out (or stages to start), which a free core should get soon;
  // without, an outcome noticed a little late delays only the job's end.
  virtual std::optional<TaskOutcome> nextOutcome(bool moreToLaunch) = 0;
  // All map tasks of a shuffle are done: move their output to the reduce partitions' owners.
  virtual void exchange(int shuffle, int numReducePartitions) = 0;
  // Every executor loads its part of a shuffle an earlier run saved in `dir`
  // (saved_shuffles.hpp). Returns "" or what went wrong; a failed executor keeps nothing.
  virtual std::string restoreShuffle(int shuffle, int numReducePartitions,
                                     const std::string& dir) = 0;
};

}  // namespace kiln::sched
