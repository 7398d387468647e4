// The back-off of a polling rank: quick to react after activity, and neither spinning nor
// waking often when its caller says it can wait (every core is running a task).
#include "../mpi/polling.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace kiln::mpi {
namespace {

using std::chrono::microseconds;

TEST(Polling, SpinsRightAfterActivityThenSleepsLongerEachTime) {
  Backoff backoff;
  backoff.reset();
  EXPECT_EQ(backoff.nextDelay(), microseconds(0));  // within the spin window
  std::this_thread::sleep_for(Backoff::kSpin + microseconds(50));
  microseconds last{0};
  for (int i = 0; i < 8; ++i) {
    const microseconds d = backoff.nextDelay();
    EXPECT_GE(d, last);
    EXPECT_GE(d, Backoff::kMinSleep);
    EXPECT_LE(d, Backoff::kBusyMaxSleep);
    last = d;
  }
  EXPECT_EQ(last, Backoff::kBusyMaxSleep);
}

TEST(Polling, APatientCallerNeitherSpinsNorWakesOftenerThanItsPatience) {
  Backoff backoff;
  backoff.reset();
  // Right after activity, where an impatient caller spins.
  EXPECT_EQ(backoff.nextDelay(microseconds(600)), microseconds(600));
  EXPECT_EQ(backoff.nextDelay(microseconds(5000)), Backoff::kMaxPatience);
  // Patience under the busy back-off's longest sleep changes nothing.
  backoff.reset();
  EXPECT_EQ(backoff.nextDelay(Backoff::kBusyMaxSleep), microseconds(0));
}

TEST(Polling, PatienceIsAnEighthOfATask) {
  EXPECT_EQ(Backoff::patienceWhileTasksRun(10000), microseconds(1250));
  // Tasks under 2 ms give no more patience than the busy back-off, so nothing changes.
  EXPECT_EQ(Backoff().nextDelay(Backoff::patienceWhileTasksRun(1000)), microseconds(0));
}

}  // namespace
}  // namespace kiln::mpi
