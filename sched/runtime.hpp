// Runs jobs: the one entry point from the typed RDD code into scheduling and execution.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "../mpi/session.hpp"
#include "accumulator_state.hpp"
#include "block_store.hpp"
#include "dag_scheduler.hpp"
#include "lineage.hpp"
#include "shuffle_store.hpp"

namespace kiln::sched {

struct RuntimeOptions {
  int executorCores = 1;  // task threads on this rank (when it runs tasks)
  // Cores the task threads are bound to, thread i on taskCores[i % size]; empty: not bound.
  std::vector<int> taskCores;
  int maxTaskFailures = 4;  // attempts per task before the job fails
  uint64_t maxExchangeRoundBytes = uint64_t(1) << 30;
  int defaultParallelism = 0;            // kiln.default.parallelism when the user set it, else 0
  uint64_t executorMemory = UINT64_MAX;  // memory budget per executor (cache and shuffle)
  std::string localDir = "/tmp";         // where spill files go
};

// Steps around a job; an exception from any of them fails the job on every rank.
struct JobHooks {
  std::function<void()> prepare;  // driver, before any task runs (e.g. create the output directory)
  // Driver, after every task succeeded, with the tasks' results (e.g. commit the output). It may
  // call Runtime::runOnExecutors.
  std::function<void(const std::vector<ByteBuffer>& results)> commit;
  // Driver (or the local rank), after every task succeeded, before commit: folds the results
  // into one (aggregate's combOp), so the other ranks get that instead of every partition's
  // result to combine again. `forOtherRanks`: return it encoded; false (local mode): return an
  // empty buffer, the caller keeps what it merged.
  std::function<ByteBuffer(std::vector<ByteBuffer>& results, bool forOtherRanks)> merge;
  std::function<void()> abort;  // driver, after a failure
  // Every executor together, when the driver's commit calls runOnExecutors(plan): a collective
  // step over the executors' communicator (e.g. a parallel HDF5 write).
  std::function<void(MPI_Comm executors, ByteReader& plan)> onExecutors;
};

class Runtime {
 public:
  Runtime(mpi::Session& session, RuntimeOptions options, std::ostream* log);

  bool isDriver() const { return session_.rank() == 0; }
  bool localMode() const { return session_.size() == 1; }
  int numExecutors() const { return int(executorCores_.size()); }
  // Task threads of each executor, by executor index.
  const std::vector<int>& executorThreads() const { return executorCores_; }
  int totalExecutorCores() const;
  const RuntimeOptions& options() const { return options_; }

  // Ids are handed out in program order, the same on every rank.
  int newRddId() { return nextRddId_++; }
  int newShuffleId() { return nextShuffleId_++; }
  void registerShuffle(const ShuffleDependency& dep) { shuffles_[dep.shuffleId()] = &dep; }
  void unregisterShuffle(int shuffle);
  ShuffleStore& shuffleStore() { return store_; }
  io::ScratchDirectory& scratch() { return scratch_; }
  // Working memory one running task may use (hash tables, sort buffers, map output buffers)
  // before it spills: half the executor's budget, shared by its task threads. The other half
  // holds shuffle data between stages.
  uint64_t taskMemoryLimit() const;
  BlockStore& blockStore() { return blocks_; }
  // Driver: the executor holding a cached partition, or -1.
  int blockLocation(int rdd, int partition) const;
  // Every rank: forget a persisted RDD's blocks (its own, and the driver its map of them).
  void dropRddBlocks(int rdd);
  // Accumulators: registered on every rank in program order. The driver merges successful
  // tasks' updates; after each job every rank receives the driver's values.
  int newAccumulatorId() { return nextAccumulatorId_++; }
  void registerAccumulator(int id, AccumulatorState* value) { accumulators_[id] = value; }
  void unregisterAccumulator(int id) { accumulators_.erase(id); }
  // Where rdd.checkpoint() writes (sc.setCheckpointDir); empty until set.
  void setCheckpointDir(std::string dir) { checkpointDir_ = std::move(dir); }
  const std::string& checkpointDir() const { return checkpointDir_; }
  // Facts about this run that outputs record (version, ranks, configuration).
  void setProvenance(std::vector<std::pair<std::string, std::string>> p) {
    provenance_ = std::move(p);
  }
  const std::vector<std::pair<std::string, std::string>>& provenance() const { return provenance_; }
  // Driver, inside a job's commit hook: runs the job's onExecutors hook on every executor with
  // this plan and waits for all; throws if any of them failed.
  void runOnExecutors(const ByteBuffer& plan);
  // Every rank: the driver's value of one object, broadcast (sc.broadcast).
  void broadcastFromDriver(ByteBuffer& bytes);

  // Driver: scheduler events go to these listeners (progress, event log, status file).
  void addListener(std::unique_ptr<SchedulerListener> l) { bus_.add(std::move(l)); }
  void postApplicationStart();  // with provenance() as the application's facts
  void postApplicationEnd();
  // Tells the other side (the driver: every executor; an executor: the driver) that this rank's
  // program is done. A rank that is still in a job, or starts one, then fails with "ranks
  // diverged" instead of waiting forever for a rank that left main early.
  void announceProgramEnd();

  // Computes `resultTask(p)` for each requested partition of `rdd` on the executors, running
  // the shuffle stages it needs first. Every rank calls it at the same point of the program and
  // gets the same results, in request order. Throws kiln::JobFailed on every rank on failure.
  using ResultTask = std::function<ByteBuffer(int partition)>;
  std::vector<ByteBuffer> runJob(const LineageNode& rdd, const std::vector<int>& partitions,
                                 ResultTask resultTask, const JobHooks& hooks = {});

 private:
  // Stopping at a safe point and resuming (docs/ARCHITECTURE.md, "Time limits").
  struct ShuffleSave {
    int shuffle = 0;
    int reducePartitions = 0;
    std::string identity;
    std::string dir;
  };
  bool restoreSavedShuffle(const ShuffleDependency& dep, ExecutorBackend& backend);
  std::vector<ShuffleSave> planShuffleSaves();
  // Every rank, after a stopped job: each executor saves its part of each shuffle, the driver
  // writes the manifests when all succeeded; then throws kiln::Stopped.
  [[noreturn]] void finishStop(const std::vector<ShuffleSave>& saves, const std::string& why);
  ByteBuffer runTask(const TaskDescriptor& task);
  // Runs the job's tasks (inside `around`), calls tasksDone(ok) once they are over, then merges
  // and commits the results.
  JobOutcome driveJob(int64_t job, const LineageNode& rdd, const std::vector<int>& partitions,
                      const JobHooks& hooks, ExecutorBackend& backend,
                      const std::function<void(const std::function<void()>&)>& around,
                      const std::function<void(bool)>& tasksDone);

  mpi::Session& session_;
  RuntimeOptions options_;
  std::ostream* log_;
  std::vector<int> executorCores_;
  ListenerBus bus_;
  DagScheduler scheduler_;
  io::ScratchDirectory scratch_;  // before the stores, which keep files in it
  ShuffleStore store_;
  BlockStore blocks_;
  std::map<std::pair<int, int>, int> blockLocations_;  // driver: (rdd, partition) -> executor
  std::map<int, AccumulatorState*> accumulators_;
  int nextAccumulatorId_ = 0;
  void mergeAccumulatorUpdates(const ByteBuffer& updates);
  ByteBuffer saveAccumulators() const;
  void loadAccumulators(ByteReader& in);
  std::unordered_map<int, const ShuffleDependency*> shuffles_;
  ResultTask currentResultTask_;
  const JobHooks* currentHooks_ = nullptr;
  std::vector<std::pair<std::string, std::string>> provenance_;
  std::string checkpointDir_;
  std::string executableStamp_;     // salt of saved shuffles' identities
  std::set<int> restoredShuffles_;  // loaded from an earlier run's save: saved already
  class MpiDriverBackend* activeBackend_ = nullptr;
  int64_t nextJob_ = 0;
  int nextRddId_ = 0;
  int nextShuffleId_ = 0;
};

}  // namespace kiln::sched
