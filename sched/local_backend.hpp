// Local mode: the driver's own threads are the only executor.
#pragma once

#include "executor_backend.hpp"
#include "saved_shuffles.hpp"
#include "shuffle_store.hpp"
#include "task_runner.hpp"

namespace kiln::sched {

class LocalBackend final : public ExecutorBackend {
 public:
  LocalBackend(TaskRunner& runner, ShuffleStore& store, int cores)
      : runner_(runner), store_(store), cores_(cores) {}
  int numExecutors() const override { return 1; }
  int slots(int) const override { return cores_; }
  // A hand-out is a condition-variable wake-up of the driver thread, which on busy cores can
  // come milliseconds late: a worker that finishes takes its next task from the queue instead.
  bool queuesAhead() const override { return true; }
  void launch(int, const std::vector<TaskDescriptor>& tasks) override { runner_.submit(tasks); }
  std::optional<TaskOutcome> nextOutcome(bool) override {
    return runner_.nextOutcome(std::chrono::milliseconds(100));
  }
  void exchange(int shuffle, int numReducePartitions) override {
    store_.exchangeLocally(shuffle, numReducePartitions);
  }
  std::string restoreShuffle(int shuffle, int numReducePartitions,
                             const std::string& dir) override {
    try {
      store_.load(shuffle, savedShuffleFile(dir, 0), 0, 1, numReducePartitions);
      return "";
    } catch (const std::exception& e) {
      store_.drop(shuffle);
      return e.what();
    }
  }

 private:
  TaskRunner& runner_;
  ShuffleStore& store_;
  int cores_;
};

}  // namespace kiln::sched
