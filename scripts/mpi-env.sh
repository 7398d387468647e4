# Sourced by the scripts: lets mpirun run as root (CI and containers) and more ranks than cores.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
# Idle OpenMP threads block instead of spinning (libgomp spins by default after every parallel
# region): with several ranks on a node the spinning took the cores from working ranks, and a
# trivial job took 8-12 ms at 3 ranks on 2 cores instead of 0.2 ms.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
# Point-to-point messages through ob1 (shared memory on a node, TCP between nodes). Open MPI
# would otherwise first try UCX, which on a machine without InfiniBand spends 0.2 s of every
# MPI_Init finding nothing and then picks ob1 anyway (mpirun of an empty MPI program: 0.36 s
# against 0.16 s). On a cluster with InfiniBand, set OMPI_MCA_pml=ucx before sourcing this.
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}
