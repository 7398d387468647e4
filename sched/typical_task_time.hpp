// How long a task typically runs: a running mean of recent run times in which each new one
// weighs a quarter. (The last task's time alone misleads after every short task of a stage that
// alternates short and long ones, as k-means' 2 and 15 ms tasks do.) Pollers size their
// patience by it.
#pragma once

#include <atomic>
#include <cstdint>

namespace kiln::sched {

class TypicalTaskTime {
 public:
  // Calls must not race one another; micros() may be read from any thread meanwhile.
  void add(int64_t runMicros) {
    const int64_t m = micros_.load(std::memory_order_relaxed);
    micros_.store(m + (runMicros - m) / 4, std::memory_order_relaxed);
  }
  // 0 before the first task.
  int64_t micros() const { return micros_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> micros_{0};
};

}  // namespace kiln::sched
