// The driver's side of the executor ranks: tasks go out as messages, outcomes come back.
#pragma once

#include <functional>
#include <vector>

#include "../mpi/message_channel.hpp"
#include "../mpi/polling.hpp"
#include "control_protocol.hpp"
#include "executor_backend.hpp"
#include "typical_task_time.hpp"

namespace kiln::sched {

// Executor e is MPI rank e + 1.
class MpiDriverBackend final : public ExecutorBackend {
 public:
  MpiDriverBackend(MPI_Comm control, std::vector<int> executorCores);
  int numExecutors() const override { return int(cores_.size()); }
  int slots(int executor) const override { return cores_[size_t(executor)]; }
  bool queuesAhead() const override { return true; }
  void launch(int executor, const std::vector<TaskDescriptor>& tasks) override;
  std::optional<TaskOutcome> nextOutcome(bool moreToLaunch) override;
  void exchange(int shuffle, int numReducePartitions) override;
  std::string restoreShuffle(int shuffle, int numReducePartitions, const std::string& dir) override;
  // Runs the job's collective step on every executor; returns their errors (empty: all ok).
  std::string collective(const ByteBuffer& plan);
  // Tells every executor the job is over (each stops its tasks and acknowledges)...
  void beginEndJob(bool ok);
  // ... and waits until each has acknowledged, discarding the outcomes still on their way.
  // Between the two the driver may merge the job's results while the executors stop.
  void finishEndJob();

 private:
  // Sends never block: an executor may be busy sending us an outcome at the same moment.
  void post(int executor, ByteBuffer msg);
  void progressSends();
  // Decodes an outcome from `source`, then receives its separately sent result if it has one.
  TaskOutcome receiveOutcome(ByteReader& r, int source);
  // Posts msg to every executor, then receives until each has sent a `reply` message (passed to
  // onReply), discarding anything else meanwhile (late outcomes), and until every send is done.
  void sendToAllAndAwait(const ByteBuffer& msg, ControlKind reply,
                         const std::function<void(ByteReader&)>& onReply);
  void awaitReplies(ControlKind reply, const std::function<void(ByteReader&)>& onReply);
  // The same, for replies of an ok flag and an error text: the distinct errors, "; "-joined.
  std::string awaitErrors(const ByteBuffer& msg, ControlKind reply);
  // How late the next outcome may be noticed (Backoff::nextDelay): while every executor has a
  // task on each of its cores, or no task waits to be handed out (!moreToLaunch),
  // Backoff::patienceWhileTasksRun of a typical task; else 0. (Not how long the driver has
  // waited: with 1 ms tasks at 3 ranks on 2 cores that made a job of 2000 tasks 20 % slower.)
  std::chrono::microseconds patience(bool moreToLaunch) const;

  mpi::MessageChannel toExecutors_;
  mpi::MessageChannel fromExecutors_;
  std::vector<int> cores_;
  std::vector<int> outstanding_;  // per executor: tasks launched, outcome not yet received
  int leftRank_ = 0;  // an executor rank whose program has ended (0: none): it answers nothing
  TypicalTaskTime typicalTask_;
  mpi::Backoff backoff_;
  std::vector<mpi::PendingSend> pending_;
};

}  // namespace kiln::sched
