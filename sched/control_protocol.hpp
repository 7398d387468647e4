// Messages between the driver and the executor ranks.
#pragma once

#include <cstdint>

namespace kiln::sched {

// MPI tags on the control communicator.
constexpr int kTagToExecutor = 1;
constexpr int kTagToDriver = 2;

enum class ControlKind : uint8_t {
  RunTasks = 1,        // driver -> executor: job, count, task descriptors
  Exchange = 2,        // driver -> executor: shuffle id, reduce partitions; a collective follows
  JobEnd = 3,          // driver -> executor: ok flag. The executor stops its tasks, then acks.
  Outcome = 4,         // executor -> driver: one task outcome
  JobEndAck = 5,       // executor -> driver: no more outcomes of this job will come from me
  Collective = 6,      // driver -> executor: plan bytes; run the job's collective step
  CollectiveDone = 7,  // executor -> driver: ok flag and error text
  Restore = 8,         // driver -> executor: shuffle id, reduce partitions, directory
  RestoreDone = 9,     // executor -> driver: ok flag and error text
  StopRequested = 10,  // executor -> driver: this executor received the stop signal
  ProgramEnded = 11,   // either way, from a Context's end: this rank's program is done. A rank
                       // still in a job when it arrives waits for a peer that will never come.
};
// After every JobEndAck has arrived (outcomes received meanwhile are discarded, so no executor
// stays blocked sending one), the driver broadcasts the job's result to every rank.

}  // namespace kiln::sched
