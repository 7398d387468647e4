// Task threads are bound one per core, and ranks on one node never share a core.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "../util/core_placement.hpp"
#include "../util/hardware.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

TEST(Topology, RanksAllowedTheSameCoresSplitThem) {
  std::vector<std::vector<int>> node = {{0, 1, 2, 3}, {0, 1, 2, 3}};
  EXPECT_EQ(placeCores(node, 0), (std::vector<int>{0, 1}));
  EXPECT_EQ(placeCores(node, 1), (std::vector<int>{2, 3}));
  std::vector<std::vector<int>> three = {{0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}};
  std::vector<int> seen;
  for (int r = 0; r < 3; ++r) {
    auto mine = placeCores(three, r);
    EXPECT_GE(mine.size(), 1u);
    seen.insert(seen.end(), mine.begin(), mine.end());
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));  // every core once
}

TEST(Topology, BoundRanksKeepTheirCores) {
  std::vector<std::vector<int>> node = {{1}, {0}, {2, 3}};
  EXPECT_EQ(placeCores(node, 0), (std::vector<int>{1}));
  EXPECT_EQ(placeCores(node, 1), (std::vector<int>{0}));
  EXPECT_EQ(placeCores(node, 2), (std::vector<int>{2, 3}));
}

TEST(Topology, MoreRanksThanCoresShareRoundRobin) {
  std::vector<std::vector<int>> node = {{0, 1}, {0, 1}, {0, 1}};
  EXPECT_EQ(placeCores(node, 0), (std::vector<int>{0}));
  EXPECT_EQ(placeCores(node, 1), (std::vector<int>{1}));
  EXPECT_EQ(placeCores(node, 2), (std::vector<int>{0}));
}

TEST(Topology, CoreListsPrintAsRanges) {
  EXPECT_EQ(formatCoreList({0, 1, 2, 5, 7, 8}), "0-2,5,7-8");
  EXPECT_EQ(formatCoreList({3}), "3");
}

// What one task saw: its process, its thread, the cores its thread was bound to.
struct Placement {
  long pid = 0;
  long thread = 0;
  std::vector<int> cores;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& pid& thread& cores;
  }
};

std::vector<Placement> taskPlacements(Context& sc) {
  return sc.range(0, 64, 1, 64)
      .map([](long) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let every thread take some
        return Placement{long(getpid()), long(syscall(SYS_gettid)), threadBoundCores()};
      })
      .collect();
}

TEST(Topology, TaskThreadsAreBoundOnePerCoreAndRanksDoNotShareCores) {
  auto sc = makeContext();
  auto placements = taskPlacements(*sc);
  ASSERT_EQ(placements.size(), 64u);
  std::map<long, std::set<int>> coresOfProcess;
  std::map<long, std::set<int>> coresOfThread;
  for (const auto& p : placements) {
    ASSERT_EQ(p.cores.size(), 1u) << "a task thread bound to " << formatCoreList(p.cores);
    coresOfProcess[p.pid].insert(p.cores[0]);
    coresOfThread[p.thread].insert(p.cores[0]);
  }
  for (const auto& [thread, cores] : coresOfThread)
    EXPECT_EQ(cores.size(), 1u) << "thread " << thread << " moved between cores";
  const int perExecutor = sc->totalExecutorCores() / std::max(1, sc->numRanks() - 1);
  std::set<int> all;
  for (const auto& [pid, cores] : coresOfProcess) {
    EXPECT_LE(int(cores.size()), sc->numRanks() == 1 ? sc->totalExecutorCores() : perExecutor);
    for (int c : cores) EXPECT_TRUE(all.insert(c).second) << "core " << c << " used by two ranks";
  }
  // As many threads as cores, unless the machine has fewer cores than task ranks.
  if (int(machineCoreCount()) >= std::max(1, sc->numRanks() - 1)) {
    EXPECT_EQ(sc->totalExecutorCores(), int(all.size()));
  }
}

TEST(Topology, BindingCanBeTurnedOff) {
  auto sc = makeContext({{"kiln.executor.bindThreads", "false"}});
  for (const auto& p : taskPlacements(*sc))
    EXPECT_EQ(int(p.cores.size()), int(allowedCores().size())) << "bound although turned off";
}

}  // namespace
}  // namespace kiln::test
