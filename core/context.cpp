#include "context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "../io/text_splits.hpp"
#include "../mpi/message_channel.hpp"
#include "../mpi/session.hpp"
#include "../sched/console_progress.hpp"
#include "../sched/event_log.hpp"
#include "../sched/explain_printer.hpp"
#include "../sched/status_file.hpp"
#include "../util/hardware.hpp"
#include "../util/retain_freed_memory.hpp"
#include "config_keys.hpp"
#include "version.hpp"

namespace kiln {
namespace {

int gRank = 0;

// Spark SQL's spark.sql.files.maxPartitionBytes and HDFS's block size. Larger splits than
// Hadoop's 32 MiB for local files mean fewer partial results per shuffle (word count of 1 GiB on
// 2 cores: 8 map-side combining tables of ~900K words instead of 32 of ~750K); splitBytes() still
// gives every core a split of a large input.
constexpr uint64_t kDefaultMaxPartitionBytes = 128ULL << 20;

// An exception nobody caught ends every rank at once, with its message.
[[noreturn]] void terminateAllRanks() {
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const Stopped& err) {
      // Every rank has it, at the same action: a clean, resumable end.
      if (gRank == 0) std::cerr << "kiln: " << err.what() << std::endl;
      mpi::Session::finishAll(kExitStoppedForResume);
    } catch (const JobFailed& err) {
      if (gRank == 0) std::cerr << "kiln: job failed: " << err.what() << std::endl;
    } catch (const std::exception& err) {
      std::cerr << "kiln: error (rank " << gRank << "): " << err.what() << std::endl;
    } catch (...) {
      std::cerr << "kiln: unknown error (rank " << gRank << ")" << std::endl;
    }
  }
  mpi::Session::abortAll(1);  // runs the exit cleanups (spill files) first
}

bool knownKey(const std::string& key) {
  for (const auto& k : detail::kConfigKeys)
    if (key == k.key) return true;
  return false;
}

// Pulls "--conf k=v" and "--conf=k=v" out of argv.
Conf takeCommandLineConf(int& argc, char** argv) {
  Conf conf;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], kv;
    if (arg == "--conf") {
      if (i + 1 >= argc) throw Error("--conf needs key=value");
      kv = argv[++i];
    } else if (arg.rfind("--conf=", 0) == 0) {
      kv = arg.substr(7);
    } else {
      argv[out++] = argv[i];
      continue;
    }
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--conf " + kv + ": expected key=value");
    conf.set(kv.substr(0, eq), kv.substr(eq + 1));
  }
  argc = out;
  argv[argc] = nullptr;
  return conf;
}

Conf resolveConf(const Conf& code, const Conf& commandLine) {
  Conf conf;
  for (const auto& k : detail::kConfigKeys)
    if (const char* v = std::getenv(detail::envNameOf(k.key).c_str())) conf.set(k.key, v);
  for (const auto& [k, v] : commandLine.all()) conf.set(k, v);
  for (const auto& [k, v] : code.all()) conf.set(k, v);
  for (const auto& [k, v] : conf.all())
    if (k.rfind("kiln.", 0) == 0 && !knownKey(k))
      throw Error("unknown configuration key " + k + " (see docs/CONFIGURATION.md)");
  return conf;
}

// Every rank uses the driver's configuration.
void shareDriverConf(const mpi::Session& s, Conf& conf) {
  ByteBuffer b;
  if (s.rank() == 0) {
    b.putVarint(conf.all().size());
    for (const auto& [k, v] : conf.all()) {
      b.putString(k);
      b.putString(v);
    }
  }
  mpi::broadcastBytes(s.control(), 0, b);
  if (s.rank() == 0) return;
  Conf shared;
  ByteReader r(b.span());
  for (uint64_t n = r.getVarint(); n > 0; --n) {
    std::string k(r.getString());
    shared.set(k, std::string(r.getString()));
  }
  conf = shared;
}

int positive(const Conf& conf, const std::string& key, long fallback) {
  long v = conf.getLong(key, fallback);
  if (v < 1 || v > 1 << 20)
    throw Error("configuration " + key + "=" + std::to_string(v) + ": must be a positive integer");
  return int(v);
}

// A default and where it came from (printed in verbose mode).
template <class T>
struct Chosen {
  T value;
  std::string source;
};

uint64_t envNumber(const char* var) {
  const char* v = std::getenv(var);
  return v ? std::strtoull(v, nullptr, 10) : 0;
}

// One thread per core of the rank's share of its node (mpi::Session::taskCores).
Chosen<int> defaultExecutorCores(const mpi::Session& s) {
  const int placed = int(s.taskCores().size());
  if (uint64_t n = envNumber("SLURM_CPUS_PER_TASK"); n > 0 && n <= uint64_t(placed))
    return {int(n), "SLURM_CPUS_PER_TASK"};
  std::string source = "cores " + formatCoreList(s.taskCores()) + " of " +
                       std::to_string(machineCoreCount()) + " on the node, shared by " +
                       std::to_string(s.taskRanksOnNode()) + " task rank(s)";
  return {placed, source};
}

// Half of this rank's share of the Slurm allocation, else of what the machine has free.
Chosen<uint64_t> defaultExecutorMemory(const mpi::Session& s, int cores) {
  const uint64_t ranks = uint64_t(std::max(1, s.taskRanksOnNode()));
  if (uint64_t perCpu = envNumber("SLURM_MEM_PER_CPU"); perCpu > 0)
    return {(perCpu << 20) * uint64_t(cores) / 2, "half of SLURM_MEM_PER_CPU x cores"};
  if (uint64_t perNode = envNumber("SLURM_MEM_PER_NODE"); perNode > 0)
    return {(perNode << 20) / 2 / ranks, "half of SLURM_MEM_PER_NODE per task rank"};
  uint64_t total = 0;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  while (meminfo >> key >> kb)
    if (key == "MemAvailable:")
      total = kb << 10;
    else
      meminfo.ignore(256, '\n');
  if (total == 0) return {(uint64_t(4) << 30) / 2 / ranks, "half of an assumed 4 GiB"};
  return {total / 2 / ranks, "half of MemAvailable per task rank"};
}

Chosen<std::string> defaultLocalDir() {
  for (const char* var : {"SLURM_TMPDIR", "TMPDIR"})
    if (const char* v = std::getenv(var); v && *v) return {v, var};
  return {"/tmp", "default"};
}

// kiln-20261121-103800-slurm1234 (or -pid5678): sorts by start time, names the Slurm job.
std::string applicationId() {
  char when[32];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string id = std::string("kiln-") + when;
  if (const char* job = std::getenv("SLURM_JOB_ID")) {
    id += std::string("-slurm") + job;
    if (const char* task = std::getenv("SLURM_ARRAY_TASK_ID")) id += std::string("_") + task;
  } else {
    id += "-pid" + std::to_string(::getpid());
  }
  return id;
}

std::ostream& nullStream() {
  static std::ostream sink(nullptr);
  return sink;
}

}  // namespace

Context::Context(int& argc, char**& argv, const Conf& conf) {
  session_ = std::make_unique<mpi::Session>(&argc, &argv);
  gRank = session_->rank();
  std::set_terminate(terminateAllRanks);
  Conf commandLine = takeCommandLineConf(argc, argv);
  conf_ = resolveConf(conf, commandLine);
  shareDriverConf(*session_, conf_);

  if (conf_.getBool("kiln.memory.retainFreed", true)) retainFreedMemory();

  sched::RuntimeOptions opt;
  // Configuration first, then the Slurm allocation, then the machine.
  std::vector<std::string> chosen;
  auto note = [&](const std::string& what, const std::string& value, const std::string& source) {
    chosen.push_back(what + " " + value + " (" + source + ")");
  };
  if (conf_.contains("kiln.executor.cores")) {
    opt.executorCores = positive(conf_, "kiln.executor.cores", 1);
    note("executor cores", std::to_string(opt.executorCores), "kiln.executor.cores");
  } else {
    auto cores = defaultExecutorCores(*session_);
    opt.executorCores = cores.value;
    note("executor cores", std::to_string(cores.value), cores.source);
  }
  if (conf_.getBool("kiln.executor.bindThreads", true)) {
    // Past the rank's cores, threads wrap round: the user asked for oversubscription.
    opt.taskCores = session_->taskCores();
    opt.taskCores.resize(std::min(opt.taskCores.size(), size_t(opt.executorCores)));
    note("task threads bound to cores", formatCoreList(opt.taskCores), "hwloc");
  }
  opt.maxTaskFailures = positive(conf_, "kiln.task.maxFailures", 4);
  opt.maxExchangeRoundBytes = conf_.getBytes("kiln.shuffle.maxExchangeRoundBytes", 1ULL << 30);
  if (opt.maxExchangeRoundBytes < 1 || opt.maxExchangeRoundBytes > 0x7fffffffULL)
    throw Error("configuration kiln.shuffle.maxExchangeRoundBytes: must be between 1 and 2g - 1");
  conf_.getBytes("kiln.files.maxPartitionBytes", kDefaultMaxPartitionBytes);  // validate early
  auto memory = defaultExecutorMemory(*session_, opt.executorCores);
  opt.executorMemory = conf_.getBytes("kiln.executor.memory", memory.value);
  note("executor memory", std::to_string(opt.executorMemory >> 20) + " MiB",
       conf_.contains("kiln.executor.memory") ? "kiln.executor.memory" : memory.source);
  auto localDir = defaultLocalDir();
  opt.localDir = conf_.get("kiln.local.dir", localDir.value);
  note("local dir", opt.localDir,
       conf_.contains("kiln.local.dir") ? "kiln.local.dir" : localDir.source);
  for (const char* var : {"SLURM_JOB_ID", "SLURM_NTASKS", "SLURM_ARRAY_TASK_ID"})
    if (const char* v = std::getenv(var)) note("slurm", v, var);
  if (conf_.contains("kiln.default.parallelism"))
    opt.defaultParallelism = positive(conf_, "kiln.default.parallelism", 1);
  std::ostream* log = session_->rank() == 0 ? &std::cerr : nullptr;
  runtime_ = std::make_shared<sched::Runtime>(*session_, opt, log);

  int total = runtime_->totalExecutorCores();
  std::string confText;
  for (const auto& [k, v] : conf_.all()) confText += (confText.empty() ? "" : " ") + k + "=" + v;
  std::string threadsPerExecutor;
  for (int t : runtime_->executorThreads()) {
    if (!threadsPerExecutor.empty()) threadsPerExecutor += ',';
    threadsPerExecutor += std::to_string(t);
  }
  std::vector<std::pair<std::string, std::string>> facts = {
      {"kiln_version", KILN_VERSION_STRING},
      {"ranks", std::to_string(session_->size())},
      {"executors", std::to_string(runtime_->numExecutors())},
      {"task_threads", std::to_string(total)},
      {"threads_per_executor", threadsPerExecutor},
      {"machine_cores", std::to_string(machineCoreCount())},
      {"topology", topologySummary()},
      {"configuration", confText}};
  if (const char* job = std::getenv("SLURM_JOB_ID")) facts.push_back({"slurm_job_id", job});
  runtime_->setProvenance(facts);
  defaultParallelism_ = opt.defaultParallelism > 0 ? opt.defaultParallelism
                        : runtime_->localMode()    ? total
                                                   : std::max(total, 2);
  if (conf_.getBool("kiln.verbose", false) && isDriver()) {
    std::cerr << "kiln: " << session_->size()
              << " rank(s): " << (runtime_->localMode() ? "local mode" : "driver + executors")
              << "; executors " << runtime_->numExecutors() << ", task threads " << total
              << ", default parallelism " << defaultParallelism_ << "\n";
    for (const auto& [k, v] : conf_.all()) std::cerr << "kiln:   " << k << " = " << v << "\n";
  }
  if (conf_.contains("kiln.checkpoint.dir")) setCheckpointDir(conf_.get("kiln.checkpoint.dir", ""));
  if (isDriver()) addListeners(facts);
  // What each task rank chose for itself (in one write, so ranks' lines do not interleave).
  if (conf_.getBool("kiln.verbose", false) && (runtime_->localMode() || !isDriver())) {
    std::string lines;
    for (const auto& c : chosen)
      lines += "kiln: rank " + std::to_string(session_->rank()) + ": " + c + "\n";
    std::cerr << lines << std::flush;
  }
}

// The driver's observers of the scheduler (docs/CONFIGURATION.md, kiln.ui.*, kiln.eventLog.dir,
// kiln.status.dir, kiln.explain).
void Context::addListeners(const std::vector<std::pair<std::string, std::string>>& facts) {
  const std::string app = applicationId();
  if (conf_.getBool("kiln.explain", false))
    runtime_->addListener(std::make_unique<sched::ExplainPrinter>(std::cerr));
  if (conf_.getBool("kiln.ui.showConsoleProgress", true)) {
    long intervalMs = conf_.getLong("kiln.ui.consoleProgress.interval", 5000);
    if (intervalMs < 1) throw Error("configuration kiln.ui.consoleProgress.interval: must be >= 1");
    // mpirun passes the ranks' stderr through a pipe even when its own is a terminal.
    std::string redraw = conf_.get("kiln.ui.consoleProgress.redraw", "auto");
    if (redraw != "auto" && redraw != "true" && redraw != "false")
      throw Error("configuration kiln.ui.consoleProgress.redraw=" + redraw +
                  ": must be auto, true or false");
    bool terminal = redraw == "auto" ? ::isatty(STDERR_FILENO) != 0 : redraw == "true";
    runtime_->addListener(
        std::make_unique<sched::ConsoleProgress>(std::cerr, terminal, int64_t(intervalMs) * 1000));
  }
  if (auto dir = conf_.get("kiln.eventLog.dir", ""); !dir.empty())
    runtime_->addListener(std::make_unique<sched::EventLog>(dir, app));
  auto statusDir = conf_.get("kiln.status.dir", conf_.get("kiln.eventLog.dir", ""));
  if (!statusDir.empty())
    runtime_->addListener(std::make_unique<sched::StatusFile>(statusDir, app, facts));
  runtime_->postApplicationStart();
}

Context::~Context() {
  if (isDriver()) runtime_->postApplicationEnd();
  runtime_->announceProgramEnd();
  runtime_.reset();
  session_.reset();
}

bool Context::isDriver() const { return session_->rank() == 0; }
int Context::rank() const { return session_->rank(); }
int Context::numRanks() const { return session_->size(); }
int Context::totalExecutorCores() const { return runtime_->totalExecutorCores(); }
std::ostream& Context::out() const { return isDriver() ? std::cout : nullStream(); }

int Context::slices(int requested) const {
  if (requested < 0)
    throw Error("number of slices (" + std::to_string(requested) + ") must be positive");
  return requested > 0 ? requested : defaultParallelism_;
}

RDD<long> Context::range(long start, long end, long step, int numSlices) const {
  return RDD<long>(
      std::make_shared<detail::RangeNode>(runtime_, start, end, step, slices(numSlices)));
}

std::vector<std::string> Context::hdf5Files(const std::string& path) const {
  auto files = io::listInputFiles(path, "hdf5");
  if (files.empty()) throw Error("hdf5: no input files in " + path);
  return files;
}

uint64_t Context::rowsPerPartition(uint64_t recordBytes) const {
  uint64_t target = conf_.getBytes("kiln.hdf5.partitionBytes", 32 << 20);
  return std::max<uint64_t>(1, target / std::max<uint64_t>(1, recordBytes));
}

uint64_t Context::elementBytes(io::ScalarKind kind) {
  switch (kind) {
    case io::ScalarKind::Int8:
    case io::ScalarKind::UInt8:
      return 1;
    case io::ScalarKind::Int16:
    case io::ScalarKind::UInt16:
      return 2;
    case io::ScalarKind::Int32:
    case io::ScalarKind::UInt32:
    case io::ScalarKind::Float32:
      return 4;
    default:
      return 8;
  }
}

void Context::setCheckpointDir(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir)) throw Error("setCheckpointDir: cannot create " + dir);
  runtime_->setCheckpointDir(std::filesystem::absolute(dir).string());
}

std::vector<io::FileSplit> Context::recordSplits(const std::string& path, uint64_t recordBytes,
                                                 int minPartitions) const {
  if (minPartitions < 0) throw Error("binaryRecords: minPartitions must not be negative");
  if (minPartitions == 0) minPartitions = std::min(defaultParallelism_, 2);
  return io::computeRecordSplits(
      io::listInputFiles(path, "binaryRecords"), recordBytes, minPartitions,
      conf_.getBytes("kiln.files.maxPartitionBytes", kDefaultMaxPartitionBytes),
      defaultParallelism_);
}

RDD<std::string> Context::textFile(const std::string& path, int minPartitions) const {
  if (minPartitions < 0) throw Error("textFile: minPartitions must not be negative");
  if (minPartitions == 0) minPartitions = std::min(defaultParallelism_, 2);
  auto files = io::listInputFiles(path);
  auto splits =
      io::computeSplits(files, minPartitions,
                        conf_.getBytes("kiln.files.maxPartitionBytes", kDefaultMaxPartitionBytes),
                        defaultParallelism_);
  return RDD<std::string>(std::make_shared<detail::TextFileNode>(runtime_, std::move(splits)));
}

}  // namespace kiln
