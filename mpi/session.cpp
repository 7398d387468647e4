#include "session.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "../util/core_placement.hpp"
#include "../util/exit_cleanup.hpp"
#include "../util/hardware.hpp"
#include "polling.hpp"

namespace kiln::mpi {

Session::Session(int* argc, char*** argv) {
  // Polling sleeps are tens of microseconds; Linux's default 50 us timer slack would stretch
  // each one (and every message hop) to several times that. Threads started later inherit it.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    ownsMpi_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm_dup(MPI_COMM_WORLD, &control_);
  // Rank 0 computes only when it is alone.
  int color = (size_ == 1 || rank_ > 0) ? 0 : MPI_UNDEFINED;
  MPI_Comm_split(MPI_COMM_WORLD, color, rank_, &executors_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  int onNode = 1, lowestRank = rank_;
  MPI_Comm_size(node, &onNode);
  MPI_Allreduce(&rank_, &lowestRank, 1, MPI_INT, MPI_MIN, node);
  taskRanksOnNode_ = (size_ > 1 && lowestRank == 0) ? std::max(1, onNode - 1) : onNode;
  placeTaskThreads(node, color == 0);
  MPI_Comm_free(&node);
}

void Session::placeTaskThreads(MPI_Comm node, bool runsTasks) {
  std::vector<int> allowed = allowedCores();
  MPI_Comm taskRanks;
  MPI_Comm_split(node, runsTasks ? 0 : MPI_UNDEFINED, rank_, &taskRanks);
  if (taskRanks == MPI_COMM_NULL) {
    taskCores_ = allowed;
    return;
  }
  int ranks = 1, self = 0, mine = int(allowed.size());
  MPI_Comm_size(taskRanks, &ranks);
  MPI_Comm_rank(taskRanks, &self);
  const auto n = static_cast<size_t>(ranks);
  std::vector<int> counts(n), offsets(n);
  MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, taskRanks);
  int total = 0;
  for (int i = 0; i < ranks; ++i)
    offsets[size_t(i)] = std::exchange(total, total + counts[size_t(i)]);
  std::vector<int> all(size_t(std::max(1, total)));
  MPI_Allgatherv(allowed.data(), mine, MPI_INT, all.data(), counts.data(), offsets.data(), MPI_INT,
                 taskRanks);
  MPI_Comm_free(&taskRanks);
  std::vector<std::vector<int>> perRank(n);
  for (int i = 0; i < ranks; ++i)
    perRank[size_t(i)].assign(all.begin() + offsets[size_t(i)],
                              all.begin() + offsets[size_t(i)] + counts[size_t(i)]);
  taskCores_ = placeCores(perRank, self);
}

Session::~Session() {
  // Ranks reach the end at different times; wait without spinning, then finalize.
  waitWithoutSpinning([&](MPI_Request* r) { MPI_Ibarrier(control_, r); });
  if (executors_ != MPI_COMM_NULL) MPI_Comm_free(&executors_);
  MPI_Comm_free(&control_);
  if (ownsMpi_) MPI_Finalize();
}

void Session::finishAll(int code) {
  runCleanups();
  std::fflush(stdout);
  std::fflush(stderr);
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Finalize();
  std::_Exit(code);
}

void Session::abortAll(int code) {
  runCleanups();  // e.g. spill files: MPI_Abort runs no destructors
  std::fflush(stdout);
  std::fflush(stderr);
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace kiln::mpi
