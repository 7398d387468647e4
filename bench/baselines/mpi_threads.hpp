// Task threads per rank for the MPI+OpenMP baselines: OMP_NUM_THREADS if set, else the node's
// cores shared evenly among the ranks on the node (as Kiln shares them among its executors).
#pragma once

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace baseline {

inline int threadsPerRank(int rank) {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) return std::max(1, std::atoi(env));
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int onNode = 1;
  MPI_Comm_size(node, &onNode);
  MPI_Comm_free(&node);
  return std::max(1, int(std::thread::hardware_concurrency()) / onNode);
}

}  // namespace baseline
