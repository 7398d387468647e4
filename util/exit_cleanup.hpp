// Work that must happen however the process ends: at exit, and before an abort (an uncaught
// failure ends every rank through MPI_Abort, which runs no destructors).
#pragma once

#include <functional>

namespace kiln {

// Returns an id for unregisterCleanup.
int registerCleanup(std::function<void()> fn);
void unregisterCleanup(int id);
// Runs (once) and forgets every registered cleanup.
void runCleanups();

}  // namespace kiln
