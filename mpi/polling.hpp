// Waiting for MPI without burning a core: a blocked MPI call spins, and on a small node that
// steals the executors' CPU time. Poll with a short back-off sleep instead.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace kiln::mpi {

// Waits between polls that found nothing: quick to react while messages are flowing, near-zero
// CPU when idle. For the first kSpin after activity it does not sleep at all: a reply to a
// message just sent usually arrives within tens of microseconds, and a sleep would add at least
// that much to every message hop of a job. Then it sleeps, doubling from kMinSleep up to
// kBusyMaxSleep, and once idle for kIdleAfter, up to kMaxSleep. Call reset() whenever
// something happened.
// A caller that knows it can notice the next message late without loss (its cores are all
// running tasks, and nothing it waits for is needed before one of them ends) passes that
// patience (patienceWhileTasksRun): then it neither spins nor wakes more often than every
// `patience` (at most kMaxPatience; a patience up to kBusyMaxSleep changes nothing). On a node
// where every core runs a task, each spin or wake-up of a polling thread is time taken from a task:
// about a tenth of a k-means iteration at -n 2.
class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::microseconds kSpin{200};
  static constexpr std::chrono::microseconds kMinSleep{16};
  static constexpr std::chrono::microseconds kBusyMaxSleep{256};
  static constexpr std::chrono::microseconds kIdleAfter{20000};
  // The worst-case extra latency of an idle rank.
  static constexpr std::chrono::microseconds kMaxSleep{1024};
  // The longest a patient caller sleeps: an outcome noticed that late costs a task nothing.
  static constexpr std::chrono::microseconds kMaxPatience{1024};

  // How late a caller may notice its next message while tasks of this run time keep every
  // core busy: an eighth of a task, which a task queued behind them hides.
  static std::chrono::microseconds patienceWhileTasksRun(int64_t taskMicros) {
    return std::chrono::microseconds(taskMicros / 8);
  }

  Backoff() : since_(Clock::now()) {}
  void reset() {
    since_ = Clock::now();
    sleep_ = std::chrono::microseconds(0);
  }
  // How long to wait now that another poll found nothing.
  std::chrono::microseconds nextDelay(std::chrono::microseconds patience = {}) {
    if (patience > kBusyMaxSleep) return sleep_ = std::min(patience, kMaxPatience);
    const auto idle = Clock::now() - since_;
    if (idle < kSpin) return std::chrono::microseconds(0);
    const auto cap = idle < kIdleAfter ? kBusyMaxSleep : kMaxSleep;
    sleep_ = std::min(cap, sleep_.count() == 0 ? kMinSleep : sleep_ * 2);
    return sleep_;
  }
  void idle() {
    auto d = nextDelay();
    if (d.count() > 0)
      std::this_thread::sleep_for(d);
    else
      std::this_thread::yield();  // a thread with work on this core goes first
  }

 private:
  Clock::time_point since_;
  std::chrono::microseconds sleep_{0};
};

// Starts a non-blocking MPI operation and polls it to completion with back-off.
template <class StartFn>
void waitWithoutSpinning(StartFn&& start) {
  MPI_Request req;
  start(&req);
  Backoff backoff;
  int done = 0;
  while (true) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    backoff.idle();
  }
}

}  // namespace kiln::mpi
