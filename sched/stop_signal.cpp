#include "stop_signal.hpp"

#include <csignal>

namespace kiln::sched {
namespace {

volatile std::sig_atomic_t gStop = 0;

extern "C" void onStopSignal(int) { gStop = 1; }

}  // namespace

void installStopSignalHandler() {
  gStop = 0;
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // MPI and file calls carry on; the flag is read later
  sigaction(SIGUSR1, &action, nullptr);
}

bool stopRequested() { return gStop != 0; }

void requestStop() { gStop = 1; }

}  // namespace kiln::sched
