// Kiln's exception types.
#pragma once

#include <stdexcept>
#include <string>

namespace kiln {

// Any error Kiln reports: bad input, bad configuration, corrupt data.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A job (one action) failed after its retries ran out. Thrown on every rank with the same message,
// so an uncaught failure ends the whole program the same way everywhere.
class JobFailed : public Error {
 public:
  using Error::Error;
};

// The job was stopped at a safe point because the process received SIGUSR1 (Slurm's warning
// before the time limit). Thrown on every rank by the action that was running; what a resumed
// run needs is saved. Left uncaught, it ends every rank with kExitStoppedForResume.
class Stopped : public Error {
 public:
  using Error::Error;
};

// The exit status of a program stopped for its time limit (EX_TEMPFAIL: "try again"): run the
// same job again to resume (kiln-submit --resume, or Slurm's requeue).
inline constexpr int kExitStoppedForResume = 75;

}  // namespace kiln
