// Runs tasks on an executor's cores: OpenMP threads take tasks from a queue, one at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "task.hpp"
#include "typical_task_time.hpp"

namespace kiln::sched {

class TaskRunner {
 public:
  // Computes a task's serialized result; throws to fail it.
  using RunTask = std::function<ByteBuffer(const TaskDescriptor&)>;

  // Worker i is bound to cores[i % cores.size()] (anywhere in the rank's cores when empty).
  TaskRunner(int workers, int executorIndex, std::vector<int> cores, RunTask run)
      : workers_(workers),
        executor_(executorIndex),
        cores_(std::move(cores)),
        run_(std::move(run)) {}

  // Runs `control` on the calling thread while `workers` other OpenMP threads execute submitted
  // tasks. Returns when control has returned and the running tasks have finished; tasks still
  // queued then are dropped.
  void runWith(const std::function<void()>& control);

  void submit(const std::vector<TaskDescriptor>& tasks);
  // Whether every worker has a task (running, or queued for it): then no worker needs anything
  // from the driver before a task ends, and a task's end wakes nextOutcome.
  bool everyWorkerHasATask() const;
  // Whether, besides, another task waits for the first worker to be free.
  bool aTaskWaitsForAWorker() const;
  int64_t typicalTaskMicros() const { return typicalTask_.micros(); }
  // Waits up to `timeout` for a finished task.
  std::optional<TaskOutcome> nextOutcome(std::chrono::microseconds timeout);
  // Makes running tasks stop at their next block boundary and drops queued ones.
  void cancel();

 private:
  void workerLoop(int worker);

  int workers_;
  int executor_;
  std::vector<int> cores_;
  RunTask run_;
  std::mutex mutex_;
  std::condition_variable taskReady_;
  std::condition_variable outcomeReady_;
  std::deque<TaskDescriptor> queue_;
  std::deque<TaskOutcome> outcomes_;
  // Written under mutex_, read without it: the control thread asks between polls, and taking
  // the lock there would hold up the workers taking tasks and posting outcomes.
  std::atomic<int> running_{0};  // workers running a task
  std::atomic<int> queued_{0};   // tasks in queue_
  TypicalTaskTime typicalTask_;  // added to under mutex_
  bool stopping_ = false;
  std::atomic<bool> cancelled_{false};
};

}  // namespace kiln::sched
