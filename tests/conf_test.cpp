// Configuration: precedence, --conf parsing, validation.
#include <gtest/gtest.h>

#include <cstdlib>

#include "../core/config_keys.hpp"
#include "../util/hardware.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

TEST(Configuration, CodeOverridesCommandLineOverridesEnvironment) {
  setenv("KILN_TASK_MAXFAILURES", "7", 1);
  setenv("KILN_DEFAULT_PARALLELISM", "5", 1);
  setenv("KILN_FILES_MAXPARTITIONBYTES", "1k", 1);
  char a0[] = "prog", a1[] = "--conf", a2[] = "kiln.default.parallelism=6", a3[] = "input",
       a4[] = "--conf=kiln.files.maxPartitionBytes=2k", a5[] = "out";
  char* args[] = {a0, a1, a2, a3, a4, a5, nullptr};
  int argc = 6;
  char** argv = args;
  Conf code;
  code.set("kiln.files.maxPartitionBytes", "3k");
  {
    Context sc(argc, argv, code);
    EXPECT_EQ(sc.conf().get("kiln.task.maxFailures", ""), "7");     // environment
    EXPECT_EQ(sc.conf().get("kiln.default.parallelism", ""), "6");  // command line
    EXPECT_EQ(sc.defaultParallelism(), 6);
    EXPECT_EQ(sc.conf().getBytes("kiln.files.maxPartitionBytes", 0), 3072u);  // code
    // --conf arguments are taken out of argv; the program's own arguments stay in order.
    ASSERT_EQ(argc, 3);
    EXPECT_STREQ(argv[1], "input");
    EXPECT_STREQ(argv[2], "out");
    EXPECT_EQ(argv[3], nullptr);
  }
  unsetenv("KILN_TASK_MAXFAILURES");
  unsetenv("KILN_DEFAULT_PARALLELISM");
  unsetenv("KILN_FILES_MAXPARTITIONBYTES");
}

TEST(Configuration, BadValuesAndUnknownKeysNameTheKey) {
  auto expectError = [](std::vector<std::pair<std::string, std::string>> conf,
                        const std::string& needle) {
    try {
      makeContext(conf);
      ADD_FAILURE() << "expected an error mentioning " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expectError({{"kiln.task.maxFailures", "zero"}}, "kiln.task.maxFailures");
  expectError({{"kiln.executor.cores", "0"}}, "kiln.executor.cores");
  expectError({{"kiln.executr.cores", "2"}}, "unknown configuration key kiln.executr.cores");
  expectError({{"kiln.files.maxPartitionBytes", "12q"}}, "kiln.files.maxPartitionBytes");
  // Keys outside kiln.* belong to the application and pass through.
  auto sc = makeContext({{"myapp.threshold", "0.5"}});
  EXPECT_EQ(sc->conf().get("myapp.threshold", ""), "0.5");
}

TEST(Configuration, ExecutorCoresAndDefaults) {
  auto sc = makeContext({{"kiln.executor.cores", "3"}});
  int executors = sc->numRanks() == 1 ? 1 : sc->numRanks() - 1;
  EXPECT_EQ(sc->totalExecutorCores(), 3 * executors);
  EXPECT_EQ(sc->defaultParallelism(), sc->numRanks() == 1 ? 3 : std::max(2, 3 * executors));
  EXPECT_EQ(detail::envNameOf("kiln.task.maxFailures"), "KILN_TASK_MAXFAILURES");
}

TEST(Configuration, SlurmAllocationSetsExecutorCores) {
  setenv("SLURM_CPUS_PER_TASK", "1", 1);
  {
    auto sc = makeContext();
    int executors = sc->numRanks() == 1 ? 1 : sc->numRanks() - 1;
    EXPECT_EQ(sc->totalExecutorCores(), executors);
    // An explicit setting still wins over the allocation.
    auto sc2 = makeContext({{"kiln.executor.cores", "3"}});
    EXPECT_EQ(sc2->totalExecutorCores(), 3 * executors);
  }
  // More CPUs per task than the rank has cores (hardware threads counted as CPUs): one thread
  // per core, never oversubscribed.
  setenv("SLURM_CPUS_PER_TASK", "64", 1);
  {
    auto sc = makeContext();
    int executors = sc->numRanks() == 1 ? 1 : sc->numRanks() - 1;
    EXPECT_LE(sc->totalExecutorCores(), std::max(machineCoreCount(), executors));
  }
  unsetenv("SLURM_CPUS_PER_TASK");
}

TEST(Configuration, DriverOnlyOutput) {
  auto sc = makeContext();
  EXPECT_EQ(sc->isDriver(), sc->rank() == 0);
  EXPECT_EQ(sc->out().rdbuf() != nullptr, sc->isDriver());
}

}  // namespace
}  // namespace kiln::test
