// Waiting for MPI without burning a core: a blocked MPI call spins, and on a small node that
// steals the executors' CPU time. Poll with a short back-off sleep instead.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace kiln::mpi {

// Sleeps a little longer each time nothing happens: quick to react after activity, near-zero
// CPU when idle. Call reset() whenever something happened.
class Backoff {
 public:
  void reset() { idleRounds_ = 0; }
  // How long to wait now that another poll found nothing: zero for the first rounds, then
  // doubling up to kMaxSleep.
  std::chrono::microseconds nextDelay() {
    if (++idleRounds_ < kSpinRounds) return std::chrono::microseconds(0);
    int shift = std::min(idleRounds_ - kSpinRounds, 5);
    return std::chrono::microseconds(kMinSleepUs << shift);
  }
  void idle() {
    auto d = nextDelay();
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }
  // The worst-case extra latency of an idle rank.
  static constexpr std::chrono::microseconds kMaxSleep{32 << 5};

 private:
  static constexpr int kSpinRounds = 64;
  static constexpr int kMinSleepUs = 32;
  int idleRounds_ = 0;
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
