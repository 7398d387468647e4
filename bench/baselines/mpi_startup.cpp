// The floor of any MPI program's wall time: MPI_Init and MPI_Finalize, nothing between. The
// suite times it under the same mpirun as Kiln and the MPI+OpenMP baseline to say how close a
// perfectly scaling program could come to the single-thread one (which runs without mpirun).
//   mpirun -n 3 ./mpi_startup
#include <mpi.h>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Finalize();
  return 0;
}
