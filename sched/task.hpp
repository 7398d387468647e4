// A task as the driver sends it and its outcome as the executor reports it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../util/byte_buffer.hpp"
#include "task_metrics.hpp"

namespace kiln::sched {

enum class TaskKind : uint8_t { ShuffleMap = 0, Result = 1 };

struct TaskDescriptor {
  int64_t job = 0;
  int stage = 0;
  TaskKind kind = TaskKind::Result;
  int shuffle = -1;   // ShuffleMap: which shuffle's map side to run
  int index = 0;      // position of the task within its stage
  int partition = 0;  // partition of the stage's RDD that the task computes
  int attempt = 0;    // 0 for the first try, as Spark's attemptNumber
};

struct TaskOutcome {
  TaskDescriptor task;
  int executor = 0;
  bool ok = false;
  ByteBuffer result;                              // a result task's value, serialized
  std::string error;                              // why it failed
  std::vector<std::pair<int, int>> cachedBlocks;  // (rdd, partition) the task stored here
  ByteBuffer accumulatorUpdates;                  // takeTaskAccumulators() of a successful task
  TaskMetrics metrics;
};

void encodeTask(ByteBuffer& out, const TaskDescriptor& t);
TaskDescriptor decodeTask(ByteReader& in);
void encodeOutcome(ByteBuffer& out, const TaskOutcome& o);
TaskOutcome decodeOutcome(ByteReader& in);

}  // namespace kiln::sched
