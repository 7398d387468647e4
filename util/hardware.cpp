#include "hardware.hpp"

#include <hwloc.h>

#include <algorithm>
#include <thread>

namespace kiln {
namespace {

// Loaded once: loading a topology takes milliseconds, binding a thread microseconds.
class Topology {
 public:
  static Topology& get() {
    static Topology t;
    return t;
  }
  hwloc_topology_t topo() const { return topo_; }
  hwloc_const_bitmap_t allowed() const { return allowed_; }
  int cores() const { return topo_ ? hwloc_get_nbobjs_by_type(topo_, HWLOC_OBJ_CORE) : 0; }

  // The cores with at least one hardware thread in `set`.
  std::vector<int> coresIn(hwloc_const_bitmap_t set) const {
    std::vector<int> out;
    for (int i = 0, n = cores(); i < n; ++i) {
      hwloc_obj_t core = hwloc_get_obj_by_type(topo_, HWLOC_OBJ_CORE, unsigned(i));
      if (core && hwloc_bitmap_intersects(core->cpuset, set)) out.push_back(i);
    }
    return out;
  }

 private:
  Topology() {
    if (hwloc_topology_init(&topo_) != 0) {
      topo_ = nullptr;
      return;
    }
    if (hwloc_topology_load(topo_) != 0) {
      hwloc_topology_destroy(topo_);
      topo_ = nullptr;
      return;
    }
    allowed_ = hwloc_bitmap_alloc();
    if (hwloc_get_cpubind(topo_, allowed_, HWLOC_CPUBIND_THREAD) != 0 ||
        hwloc_bitmap_iszero(allowed_))
      hwloc_bitmap_copy(allowed_, hwloc_topology_get_allowed_cpuset(topo_));
  }
  ~Topology() {
    if (allowed_) hwloc_bitmap_free(allowed_);
    if (topo_) hwloc_topology_destroy(topo_);
  }
  hwloc_topology_t topo_ = nullptr;
  hwloc_bitmap_t allowed_ = nullptr;
};

int fallbackCores() { return int(std::max(1u, std::thread::hardware_concurrency())); }

std::vector<int> firstCores(int n) {
  std::vector<int> out(size_t(std::max(1, n)));
  for (size_t i = 0; i < out.size(); ++i) out[i] = int(i);
  return out;
}

}  // namespace

int machineCoreCount() {
  int n = Topology::get().cores();
  return n > 0 ? n : fallbackCores();
}

std::string topologySummary() {
  Topology& t = Topology::get();
  if (!t.topo()) return std::to_string(fallbackCores()) + " hardware thread(s) (hwloc unavailable)";
  auto count = [&](hwloc_obj_type_t type) {
    return std::to_string(std::max(0, hwloc_get_nbobjs_by_type(t.topo(), type)));
  };
  return count(HWLOC_OBJ_PACKAGE) + " package(s), " + count(HWLOC_OBJ_NUMANODE) +
         " NUMA node(s), " + count(HWLOC_OBJ_CORE) + " core(s), " + count(HWLOC_OBJ_PU) +
         " hardware thread(s)";
}

std::vector<int> allowedCores() {
  Topology& t = Topology::get();
  if (!t.topo()) return firstCores(fallbackCores());
  auto cores = t.coresIn(t.allowed());
  return cores.empty() ? firstCores(machineCoreCount()) : cores;
}

bool bindThreadToCore(int core) {
  Topology& t = Topology::get();
  if (!t.topo()) return false;
  hwloc_obj_t obj = hwloc_get_obj_by_type(t.topo(), HWLOC_OBJ_CORE, unsigned(core));
  if (!obj) return false;
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  hwloc_bitmap_and(set, obj->cpuset, t.allowed());
  if (hwloc_bitmap_iszero(set)) hwloc_bitmap_copy(set, obj->cpuset);
  bool ok = hwloc_set_cpubind(t.topo(), set, HWLOC_CPUBIND_THREAD) == 0;
  hwloc_bitmap_free(set);
  return ok;
}

void unbindThread() {
  Topology& t = Topology::get();
  if (t.topo()) hwloc_set_cpubind(t.topo(), t.allowed(), HWLOC_CPUBIND_THREAD);
}

std::vector<int> threadBoundCores() {
  Topology& t = Topology::get();
  if (!t.topo()) return {};
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  std::vector<int> out;
  if (hwloc_get_cpubind(t.topo(), set, HWLOC_CPUBIND_THREAD) == 0) out = t.coresIn(set);
  hwloc_bitmap_free(set);
  return out;
}

std::string formatCoreList(const std::vector<int>& cores) {
  std::string out;
  for (size_t i = 0; i < cores.size();) {
    size_t j = i;
    while (j + 1 < cores.size() && cores[j + 1] == cores[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cores[i]);
    if (j > i) out += '-' + std::to_string(cores[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace kiln
