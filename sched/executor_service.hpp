// An executor rank's side of one job: take tasks from the driver, run them, report outcomes,
// join shuffle exchanges, until the driver ends the job.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>

#include "kept_results.hpp"
#include "shuffle_store.hpp"
#include "task_runner.hpp"

namespace kiln::sched {

struct ExecutorChannels {
  MPI_Comm control = MPI_COMM_NULL;    // to and from the driver (rank 0)
  MPI_Comm executors = MPI_COMM_NULL;  // the shuffle exchange among executors
  uint64_t maxExchangeRoundBytes = 0;
  // The job's collective step (JobHooks::onExecutors), or empty.
  std::function<void(MPI_Comm, ByteReader&)> onExecutors;
};

// Returns the driver's verdict: true when the job succeeded. The large results this executor
// sent go to `kept` too (the driver does not send them back).
bool serveJob(int64_t job, TaskRunner& runner, ShuffleStore& store, const ExecutorChannels& ch,
              KeptResults& kept);

}  // namespace kiln::sched
