// The configuration keys Kiln reads. An unknown kiln.* key is an error (a typo would otherwise
// be silently ignored).
#pragma once

#include <cctype>
#include <string>

namespace kiln::detail {

struct ConfigKey {
  const char* key;
  const char* fallback;  // what applies when the key is not set
  const char* meaning;
};

inline constexpr ConfigKey kConfigKeys[] = {
    {"kiln.executor.cores",
     "the rank's cores: those it may use (its binding or cpuset), split with the task ranks of "
     "its node allowed the same cores; at most SLURM_CPUS_PER_TASK",
     "task threads per executor rank"},
    {"kiln.executor.bindThreads", "true",
     "bind each task thread to one of the rank's cores (hwloc); false leaves threads unbound"},
    {"kiln.default.parallelism", "local mode: the cores; else max(total executor cores, 2)",
     "partitions of parallelize/range without numSlices, and of shuffles without numPartitions "
     "(when set; unset, a shuffle keeps its parent's partition count); the cores a large textFile "
     "is spread over"},
    {"kiln.task.maxFailures", "4", "attempts of one task before its job fails"},
    {"kiln.executor.memory",
     "half of SLURM_MEM_PER_CPU x cores, else half of SLURM_MEM_PER_NODE, else half of "
     "MemAvailable; the last two shared by the node's task ranks",
     "memory budget per executor: cached partitions, shuffle data and task working memory; "
     "past it they spill to kiln.local.dir"},
    {"kiln.local.dir", "SLURM_TMPDIR, else TMPDIR, else /tmp",
     "where spill files go (node-local scratch)"},
    {"kiln.files.maxPartitionBytes", "128m",
     "largest byte range of one textFile/binaryRecords partition; large inputs are also spread "
     "over defaultParallelism partitions"},
    {"kiln.hdf5.partitionBytes", "32m", "target size of one sc.hdf5 partition (whole rows)"},
    {"kiln.shuffle.maxExchangeRoundBytes", "1g",
     "largest all-to-all round (at most 2g - 1); bigger exchanges run in rounds"},
    {"kiln.memory.retainFreed", "true",
     "keep freed memory in the process for reuse (glibc: large blocks from the heap, heap top "
     "not trimmed) instead of returning it to the kernel and faulting it in again; spills "
     "still return memory"},
    {"kiln.verbose", "false", "print the resolved configuration at start"},
    {"kiln.ui.showConsoleProgress", "true",
     "the driver's progress bar on stderr for stages longer than 0.5 s"},
    {"kiln.ui.consoleProgress.interval", "5000",
     "milliseconds between progress lines when stderr is not a terminal (e.g. a Slurm log)"},
    {"kiln.ui.consoleProgress.redraw", "auto",
     "redraw the progress bar in place (true) or write lines (false); auto: when the driver's "
     "stderr is a terminal (under mpirun it is a pipe)"},
    {"kiln.eventLog.dir", "unset: no event log",
     "write the scheduler's events as JSON lines to DIR/APP.jsonl (kiln-report reads it)"},
    {"kiln.status.dir", "kiln.eventLog.dir",
     "keep DIR/APP.status up to date while the application runs (kiln-status reads it)"},
    {"kiln.explain", "false",
     "print each job's stages, shuffles and partition counts before it runs"},
    {"kiln.checkpoint.dir", "unset (sc.setCheckpointDir sets it)",
     "where rdd.checkpoint() writes, and where a job stopped by SIGUSR1 saves its shuffles for "
     "the resumed run (a shared file system on a cluster)"},
};

// kiln.task.maxFailures -> KILN_TASK_MAXFAILURES
inline std::string envNameOf(const std::string& key) {
  std::string out = "KILN_";
  for (char c : key.substr(5)) out.push_back(c == '.' ? '_' : char(std::toupper(c)));
  return out;
}

}  // namespace kiln::detail
