#include "executor_service.hpp"

#include <string>
#include <vector>

#include "../mpi/message_channel.hpp"
#include "../mpi/polling.hpp"
#include "control_protocol.hpp"
#include "saved_shuffles.hpp"
#include "stop_signal.hpp"

namespace kiln::sched {

// How long the control thread may sleep, with nothing in flight, before it looks for the
// driver's messages. While every worker has a task, nothing the driver sends can start before a
// task ends, and a task's end wakes the thread anyway. With a task queued for the first free
// worker, it can sleep long (a cancel arrives this late at worst); with none, the task the
// driver sends to queue behind the running ones should be taken in before a worker is free, so
// it looks an eighth of a typical task's time later (as the driver does). Else it must answer
// at once (0: the caller backs off as usual).
namespace {

constexpr std::chrono::microseconds kQueuedPatience{8000};

std::chrono::microseconds patience(const TaskRunner& runner) {
  if (runner.aTaskWaitsForAWorker()) return kQueuedPatience;
  if (runner.everyWorkerHasATask())
    return std::min(kQueuedPatience,
                    mpi::Backoff::patienceWhileTasksRun(runner.typicalTaskMicros()));
  return std::chrono::microseconds(0);
}

}  // namespace

bool serveJob(int64_t job, TaskRunner& runner, ShuffleStore& store, const ExecutorChannels& ch,
              KeptResults& kept) {
  mpi::MessageChannel fromDriver(ch.control, kTagToExecutor);
  mpi::MessageChannel toDriver(ch.control, kTagToDriver);
  bool jobOk = false;
  // Outcomes go out without waiting for the driver to take them: a blocking send spins in MPI
  // until the driver, patient while every core has a task, gets round to receiving (in k-means
  // at -n 2 that spinning took a sixth of a core from the tasks).
  std::vector<mpi::PendingSend> inFlight;
  auto progressSends = [&] {
    std::erase_if(inFlight, [](mpi::PendingSend& s) { return s.done(); });
  };
  runner.runWith([&] {
    mpi::Backoff backoff;
    auto report = [&](TaskOutcome& o) {
      ByteBuffer msg;
      msg.put(ControlKind::Outcome);
      encodeOutcome(msg, o);
      inFlight.push_back(toDriver.startSend(0, std::move(msg)));
      if (!sentSeparately(o.result.size())) return;
      if (o.ok && o.task.kind == TaskKind::Result)
        inFlight.push_back(toDriver.startSendOf(0, kept.keep(o.task, std::move(o.result))));
      else
        inFlight.push_back(toDriver.startSend(0, std::move(o.result)));
    };
    auto nextWait = [&] {
      if (!inFlight.empty()) return backoff.nextDelay(mpi::Backoff::kMaxPatience);
      const auto p = patience(runner);
      return p > mpi::Backoff::kBusyMaxSleep ? p : backoff.nextDelay();
    };
    bool stopReported = false;
    while (true) {
      progressSends();
      bool active = false;
      if (!stopReported && stopRequested()) {  // signalled here: the driver decides
        ByteBuffer msg;
        msg.put(ControlKind::StopRequested);
        toDriver.send(0, msg);
        stopReported = true;
      }
      while (auto o = runner.nextOutcome(std::chrono::microseconds(0))) {
        report(*o);
        active = true;
      }
      if (auto m = fromDriver.tryReceive(0)) {
        active = true;
        ByteReader r(m->bytes.span());
        switch (r.get<ControlKind>()) {
          case ControlKind::RunTasks: {
            uint32_t n = r.get<uint32_t>();
            std::vector<TaskDescriptor> tasks;
            for (uint32_t i = 0; i < n; ++i) tasks.push_back(decodeTask(r));
            for (const auto& t : tasks)
              if (t.job != job)
                throw Error("ranks diverged: an executor in job " + std::to_string(job) +
                            " received tasks of job " + std::to_string(t.job) +
                            "; every rank must call the same actions in the same order");
            runner.submit(tasks);
            break;
          }
          case ControlKind::Exchange: {
            int shuffle = r.get<int32_t>();
            int reducePartitions = r.get<int32_t>();
            store.exchange(shuffle, reducePartitions, ch.executors, ch.maxExchangeRoundBytes);
            break;
          }
          case ControlKind::Restore: {
            int shuffle = r.get<int32_t>();
            int reducePartitions = r.get<int32_t>();
            std::string dir(r.getString());
            int executor = 0, numExecutors = 1;
            MPI_Comm_rank(ch.executors, &executor);
            MPI_Comm_size(ch.executors, &numExecutors);
            ByteBuffer done;
            done.put(ControlKind::RestoreDone);
            try {
              store.load(shuffle, savedShuffleFile(dir, executor), executor, numExecutors,
                         reducePartitions);
              done.put(uint8_t(1));
              done.putString("");
            } catch (const std::exception& e) {
              store.drop(shuffle);
              done.put(uint8_t(0));
              done.putString(e.what());
            }
            toDriver.send(0, done);
            break;
          }
          case ControlKind::Collective: {
            ByteBuffer done;
            done.put(ControlKind::CollectiveDone);
            try {
              if (!ch.onExecutors) throw Error("internal: this job has no collective step");
              ch.onExecutors(ch.executors, r);
              done.put(uint8_t(1));
              done.putString("");
            } catch (const std::exception& e) {
              done.put(uint8_t(0));
              done.putString(e.what());
            }
            toDriver.send(0, done);
            break;
          }
          case ControlKind::JobEnd:
            jobOk = r.get<uint8_t>() != 0;
            if (!jobOk) runner.cancel();
            return;
          case ControlKind::ProgramEnded:
            throw Error(
                "ranks diverged: the driver's program ended while this executor was in job " +
                std::to_string(job) +
                "; every rank must call the same actions in the same order (did the "
                "driver return from main early?)");
          default:
            throw Error("internal: unexpected control message");
        }
      }
      if (active) {
        backoff.reset();
      } else if (auto o = runner.nextOutcome(nextWait())) {
        // Waiting on the outcome queue wakes at once when a task ends. While every worker has
        // a task, the thread sleeps long (see patience) instead of spinning and waking every
        // few tens of microseconds: on a node whose cores all run tasks, each wake-up is time
        // taken from a task (PageRank at -n 2, whose two tasks fill the executor's two cores:
        // 2400 wake-ups a second, a tenth of a core). It wakes more often while a send is in
        // flight (over TCP, a large result moves only while its sender calls into MPI).
        report(*o);
        backoff.reset();
      }
    }
  });
  // Every task has stopped. Outputs of map stages the job never exchanged (it failed) must not
  // leak into a later job that reruns those stages, possibly on other executors.
  store.dropMapOutputs();
  // The driver takes every outcome until each executor's acknowledgement, which follows them.
  for (mpi::Backoff backoff; !inFlight.empty(); backoff.idle()) progressSends();
  ByteBuffer ack;
  ack.put(ControlKind::JobEndAck);
  toDriver.send(0, ack);
  return jobOk;
}

}  // namespace kiln::sched
