// What the hardware offers this process.
#pragma once

namespace kiln {

// Cores this process may run on: its CPU binding as hwloc sees it (so an mpirun/srun binding is
// respected), or all cores of the machine when the process is not bound.
int boundCoreCount();
// Cores of the whole machine.
int machineCoreCount();

}  // namespace kiln
