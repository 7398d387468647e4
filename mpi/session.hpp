// MPI start-up and shutdown, and the communicators Kiln uses.
#pragma once

#include <mpi.h>

#include <vector>

namespace kiln::mpi {

// Owns MPI for the life of a Kiln context. Only the main thread calls MPI (MPI_THREAD_FUNNELED).
class Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Private copy of MPI_COMM_WORLD for driver/executor control messages.
  MPI_Comm control() const { return control_; }
  // The ranks that run tasks and exchange shuffle data: 1..N-1, or rank 0 alone in local mode.
  // MPI_COMM_NULL on the driver when it does not run tasks.
  MPI_Comm executors() const { return executors_; }
  // How many task-running ranks share this rank's node (for dividing its cores): the ranks on
  // the node, less the driver when it is there and does not run tasks.
  int taskRanksOnNode() const { return taskRanksOnNode_; }
  // The cores this rank's task threads go on: what it may use, shared out with the other task
  // ranks of its node that may use the same cores (util/core_placement.hpp). Never empty.
  const std::vector<int>& taskCores() const { return taskCores_; }

  // End every rank now; used when a failure cannot be reported any other way.
  [[noreturn]] static void abortAll(int code);
  // End this rank with `code` after finalizing MPI: every rank must call it at the same point
  // (e.g. all received the same stopped job).
  [[noreturn]] static void finishAll(int code);

 private:
  void placeTaskThreads(MPI_Comm node, bool runsTasks);

  bool ownsMpi_ = false;
  int rank_ = 0;
  int size_ = 1;
  int taskRanksOnNode_ = 1;
  std::vector<int> taskCores_;
  MPI_Comm control_ = MPI_COMM_NULL;
  MPI_Comm executors_ = MPI_COMM_NULL;
};

}  // namespace kiln::mpi
