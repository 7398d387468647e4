// MPI start-up of the MPI+OpenMP baselines: this rank and the rank count, and a usage error
// that ends every rank with exit status 2.
#pragma once

#include <mpi.h>

#include <cstdio>

namespace baseline {

struct MpiWorld {
  int rank = 0, size = 1;
  MpiWorld(int& argc, char**& argv) {
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  [[noreturn]] void usage(const char* text) const {
    if (rank == 0) std::fprintf(stderr, "usage: %s\n", text);
    MPI_Abort(MPI_COMM_WORLD, 2);
    __builtin_unreachable();
  }
};

}  // namespace baseline
