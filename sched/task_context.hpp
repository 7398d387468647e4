// What a running task can ask about itself (Spark's TaskContext).
#pragma once

#include <atomic>

namespace kiln {

class TaskContext {
 public:
  // The context of the task running on this thread, or nullptr outside tasks.
  static const TaskContext* get();
  int stageId() const { return stage_; }
  int partitionId() const { return partition_; }
  // 0 on the first attempt, 1 on the first retry, ...
  int attemptNumber() const { return attempt_; }
  // Throws when the job this task belongs to was cancelled; sources call it between blocks.
  static void checkCancelled();

  // Installed by the task runner around each task.
  class Scope {
   public:
    Scope(int stage, int partition, int attempt, const std::atomic<bool>* cancelled);
    ~Scope();

   private:
    const TaskContext* previous_;
  };

 private:
  int stage_ = 0;
  int partition_ = 0;
  int attempt_ = 0;
  const std::atomic<bool>* cancelled_ = nullptr;
};

}  // namespace kiln
