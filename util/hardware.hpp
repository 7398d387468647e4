// The cores this process may use, and binding threads to them (hwloc).
#pragma once

#include <string>
#include <vector>

namespace kiln {

// Logical indices (hwloc's, 0 .. machineCoreCount()-1) of the cores this process may run on:
// those with a hardware thread in the calling thread's CPU binding (an mpirun or srun binding,
// or a cgroup cpuset), every core when the process is not bound. Call it from the main thread
// before any thread is bound: the binding seen on the first call is the one that counts.
std::vector<int> allowedCores();
// Cores of the whole machine.
int machineCoreCount();
// The machine as hwloc sees it, e.g. "1 package(s), 2 NUMA node(s), 16 core(s), 32 hardware
// thread(s)" (for the event log).
std::string topologySummary();
// Binds the calling thread to the hardware threads of core `core` (a logical index) that the
// process may use. Returns false when hwloc or the OS refused; the binding then stays as it was.
bool bindThreadToCore(int core);
// Lets the calling thread run on every core the process may use (undoes bindThreadToCore).
void unbindThread();
// The calling thread's binding, as logical core indices (for tests and diagnostics).
std::vector<int> threadBoundCores();
// "0-3,6"
std::string formatCoreList(const std::vector<int>& cores);

}  // namespace kiln
