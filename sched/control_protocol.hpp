// Messages between the driver and the executor ranks.
#pragma once

#include <cstdint>

namespace kiln::sched {

// MPI tags on the control communicator.
constexpr int kTagToExecutor = 1;
constexpr int kTagToDriver = 2;

enum class ControlKind : uint8_t {
  RunTasks = 1,  // driver -> executor: job, count, task descriptors
  Exchange = 2,  // driver -> executor: shuffle id, reduce partitions; a collective follows
  JobEnd = 3,    // driver -> executor: ok flag; a broadcast of the job's result follows
  Outcome = 4,   // executor -> driver: one task outcome
};

}  // namespace kiln::sched
