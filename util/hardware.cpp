#include "hardware.hpp"

#include <hwloc.h>

#include <thread>

namespace kiln {
namespace {

struct Topology {
  hwloc_topology_t topo = nullptr;
  Topology() {
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0) topo = nullptr;
  }
  ~Topology() {
    if (topo) hwloc_topology_destroy(topo);
  }
};

int fallbackCores() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

int machineCoreCount() {
  Topology t;
  if (!t.topo) return fallbackCores();
  int n = hwloc_get_nbobjs_by_type(t.topo, HWLOC_OBJ_CORE);
  return n > 0 ? n : fallbackCores();
}

int boundCoreCount() {
  Topology t;
  if (!t.topo) return fallbackCores();
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  int n = 0;
  if (hwloc_get_cpubind(t.topo, set, HWLOC_CPUBIND_PROCESS) == 0)
    n = hwloc_get_nbobjs_inside_cpuset_by_type(t.topo, set, HWLOC_OBJ_CORE);
  hwloc_bitmap_free(set);
  return n > 0 ? n : machineCoreCount();
}

}  // namespace kiln
