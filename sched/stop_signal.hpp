// Stopping at a safe point: SIGUSR1 (Slurm's warning before the time limit, or a user's kill)
// sets a flag the scheduler reads between task outcomes. Nothing else happens in the handler.
#pragma once

namespace kiln::sched {

// Installs the handler (every rank, at start) and clears the flag.
void installStopSignalHandler();
bool stopRequested();
// An executor told the driver it was signalled: the driver stops as if it had been.
void requestStop();

}  // namespace kiln::sched
