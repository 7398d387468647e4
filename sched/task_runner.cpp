#include "task_runner.hpp"

#include <omp.h>

#include "../io/scratch_file.hpp"
#include "../util/error.hpp"
#include "../util/hardware.hpp"
#include "accumulator_state.hpp"
#include "block_store.hpp"
#include "task_context.hpp"

namespace kiln::sched {

void TaskRunner::runWith(const std::function<void()>& control) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    queue_.clear();
    queued_ = 0;
    outcomes_.clear();
  }
  cancelled_ = false;
  omp_set_dynamic(0);
  std::exception_ptr controlError;
#pragma omp parallel num_threads(workers_ + 1)
  {
    if (omp_get_thread_num() == 0) {
      try {
        // Inside another parallel region (or under OMP_THREAD_LIMIT) OpenMP may give fewer
        // threads: without workers the queue would never be served.
        if (omp_get_num_threads() < 2)
          throw Error(
              "kiln: cannot start task threads (is an action called inside an OpenMP "
              "parallel region, or is OMP_THREAD_LIMIT 1?)");
        control();
      } catch (...) {
        controlError = std::current_exception();
        cancelled_ = true;
      }
      {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
        queued_ = 0;
      }
      taskReady_.notify_all();
    } else {
      workerLoop(omp_get_thread_num() - 1);
    }
  }
  if (controlError) std::rethrow_exception(controlError);
}

void TaskRunner::workerLoop(int worker) {
  // Every region: OpenMP may hand out its pool threads differently, and OMP_PROC_BIND would
  // have bound them by its own rule. A refused binding leaves the thread where it was.
  if (!cores_.empty())
    bindThreadToCore(cores_[size_t(worker) % cores_.size()]);
  else
    unbindThread();
  while (true) {
    TaskDescriptor task;
    {
      std::unique_lock lock(mutex_);
      taskReady_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = queue_.front();
      queue_.pop_front();
      queued_ = int(queue_.size());
      ++running_;
    }
    TaskOutcome out;
    out.task = task;
    out.executor = executor_;
    out.metrics.thread = worker + 1;
    out.metrics.startMicros = wallMicros();
    const uint64_t spilledBefore = io::threadBytesSpilled();
    try {
      TaskContext::Scope scope(task.stage, task.partition, task.attempt, &cancelled_);
      TaskMetrics::Scope measured(out.metrics);
      out.result = run_(task);
      out.metrics.resultBytes = out.result.size();
      out.ok = true;
      out.cachedBlocks = BlockStore::takeTaskJournal();
      out.accumulatorUpdates = takeTaskAccumulators();
    } catch (const std::exception& e) {
      out.error = e.what();
    } catch (...) {
      out.error = "unknown exception (not derived from std::exception)";
    }
    out.metrics.endMicros = wallMicros();
    out.metrics.spillBytes = io::threadBytesSpilled() - spilledBefore;
    out.metrics.peakMemoryBytes = peakResidentBytes();
    if (!out.ok) {
      BlockStore::takeTaskJournal();  // its blocks stay, unannounced
      takeTaskAccumulators();         // a failed attempt's updates never count
    }
    {
      std::lock_guard lock(mutex_);
      typicalTask_.add(out.metrics.runMicros());
      outcomes_.push_back(std::move(out));
      --running_;
    }
    outcomeReady_.notify_one();
  }
}

void TaskRunner::submit(const std::vector<TaskDescriptor>& tasks) {
  {
    std::lock_guard lock(mutex_);
    queue_.insert(queue_.end(), tasks.begin(), tasks.end());
    queued_ = int(queue_.size());
  }
  taskReady_.notify_all();
}

// A worker between tasks has left running_ but its next task is still counted in queued_.
bool TaskRunner::everyWorkerHasATask() const { return running_ + queued_ >= workers_; }

bool TaskRunner::aTaskWaitsForAWorker() const { return running_ + queued_ > workers_; }

std::optional<TaskOutcome> TaskRunner::nextOutcome(std::chrono::microseconds timeout) {
  std::unique_lock lock(mutex_);
  // A zero timeout only looks: a timed wait, even one already expired, is a system call (tens
  // of microseconds in a VM), and the control thread polls this way between MPI probes.
  if (timeout.count() > 0)
    outcomeReady_.wait_for(lock, timeout, [&] { return !outcomes_.empty(); });
  if (outcomes_.empty()) return std::nullopt;
  TaskOutcome o = std::move(outcomes_.front());
  outcomes_.pop_front();
  return o;
}

void TaskRunner::cancel() {
  cancelled_ = true;
  std::lock_guard lock(mutex_);
  queue_.clear();
  queued_ = 0;
}

}  // namespace kiln::sched
