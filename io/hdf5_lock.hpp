// This HDF5 is not built thread-safe: every HDF5 call in the process goes through this lock.
#pragma once

#include <mutex>

namespace kiln::io {

inline std::mutex& hdf5Mutex() {
  static std::mutex m;
  return m;
}

}  // namespace kiln::io
