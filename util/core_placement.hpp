// Sharing a node's cores among the ranks on it that run tasks.
#pragma once

#include <vector>

namespace kiln {

// The cores task rank `self` of a node should run its threads on, given the cores each task rank
// of the node may use (`allowed`, in node order, each sorted). Ranks allowed exactly the same
// cores (unbound ranks all see the whole node; mpirun binds to a socket) split them into
// contiguous, near-equal slices, so their threads never share a core. A rank whose cores no
// other rank has keeps them all. With more ranks than cores in a set, rank j of the set gets
// core j mod n: oversubscription the launch asked for, not one Kiln adds.
std::vector<int> placeCores(const std::vector<std::vector<int>>& allowed, int self);

}  // namespace kiln
