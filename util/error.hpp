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

}  // namespace kiln
