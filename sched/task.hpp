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
// A result of at least this many bytes travels apart from the message that carries it (the
// outcome, the job's broadcast), straight from and into its own buffer: no copy into or out of
// the message on either side.
inline constexpr size_t kSeparateResultBytes = size_t(64) << 10;
inline bool sentSeparately(size_t resultBytes) { return resultBytes >= kSeparateResultBytes; }

// The outcome without a separately sent result, which the sender sends next on the same channel.
void encodeOutcome(ByteBuffer& out, const TaskOutcome& o);
// `followingResultBytes`: the size of a result that comes next as a message of its own, or 0.
TaskOutcome decodeOutcome(ByteReader& in, size_t& followingResultBytes);

}  // namespace kiln::sched
