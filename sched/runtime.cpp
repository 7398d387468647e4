#include "runtime.hpp"

#include <filesystem>
#include <iostream>
#include <numeric>

#include "../mpi/message_channel.hpp"
#include "../mpi/polling.hpp"
#include "control_protocol.hpp"
#include "executor_service.hpp"
#include "kept_results.hpp"
#include "lineage_identity.hpp"
#include "local_backend.hpp"
#include "map_output_writer.hpp"
#include "mpi_driver_backend.hpp"
#include "saved_shuffles.hpp"
#include "stop_signal.hpp"
#include "task_runner.hpp"

namespace kiln::sched {
namespace {

// A failed job sends only its error: partial results are of no use to anyone.
ByteBuffer encodeJobOutcome(const JobOutcome& o) {
  ByteBuffer b;
  b.put(uint8_t(o.ok));
  b.put(uint8_t(o.stopped));
  b.putString(o.error);
  b.put(uint64_t(o.ok ? o.results.size() : 0));
  if (!o.ok) return b;
  for (size_t i = 0; i < o.results.size(); ++i) {
    const ByteBuffer& r = o.results[i];
    b.putVarint(r.size());
    if (!sentSeparately(r.size())) {
      b.append(r.data(), r.size());
    } else {  // shared on its own, from where it was made (shareSeparateResults)
      b.put(int32_t(o.sources[i].executor));
      b.put(int32_t(o.sources[i].attempt));
    }
  }
  return b;
}

// `separate`: the results the outcome left out, to be broadcast after it.
JobOutcome decodeJobOutcome(ByteReader& r, std::vector<size_t>& separate) {
  JobOutcome o;
  o.ok = r.get<uint8_t>() != 0;
  o.stopped = r.get<uint8_t>() != 0;
  o.error = std::string(r.getString());
  o.results.resize(r.get<uint64_t>());
  o.sources.resize(o.results.size());
  for (size_t i = 0; i < o.results.size(); ++i) {
    size_t n = r.getVarint();
    if (sentSeparately(n)) {
      separate.push_back(i);
      o.sources[i].executor = r.get<int32_t>();
      o.sources[i].attempt = r.get<int32_t>();
    } else {
      o.results[i].append(r.take(n), n);
    }
  }
  return o;
}

// After the outcome's broadcast, the results it left out (`which`), each straight into the
// receivers' buffers (empty until then). The driver broadcasts those only it holds; an
// executor's own result goes from it to the other executors (`kept`: this executor's results;
// null on the driver), never back to where it was made.
void shareSeparateResults(const mpi::Session& s, JobOutcome& o, const std::vector<size_t>& which,
                          KeptResults* kept) {
  for (size_t i : which)
    if (o.sources[i].executor < 0) mpi::broadcastBytes(s.control(), 0, o.results[i]);
  if (!kept) return;
  int executor = 0, numExecutors = 1;
  MPI_Comm_rank(s.executors(), &executor);
  MPI_Comm_size(s.executors(), &numExecutors);
  for (size_t i : which) {
    const ResultSource& from = o.sources[i];
    if (from.executor < 0) continue;
    if (from.executor == executor) o.results[i] = kept->take(int(i), from.attempt);
    if (numExecutors > 1) mpi::broadcastBytes(s.executors(), from.executor, o.results[i]);
  }
}

[[noreturn]] void fatal(int rank, const std::exception& e) {
  std::cerr << "kiln: fatal error on rank " << rank << ": " << e.what() << std::endl;
  mpi::Session::abortAll(1);
}

}  // namespace

Runtime::Runtime(mpi::Session& session, RuntimeOptions options, std::ostream* log)
    : session_(session),
      options_(options),
      log_(log),
      scheduler_(options.maxTaskFailures, log, [this](const TaskOutcome& o) {
        for (auto block : o.cachedBlocks) blockLocations_[block] = o.executor;
        mergeAccumulatorUpdates(o.accumulatorUpdates);
      }) {
  scheduler_.setListenerBus(&bus_);
  installStopSignalHandler();
  executableStamp_ = executableStamp();
  scheduler_.setStopCheck([] { return stopRequested(); });
  scheduler_.setShuffleRestorer([this](const ShuffleDependency& dep, ExecutorBackend& backend) {
    return restoreSavedShuffle(dep, backend);
  });
  scratch_.setParent(options.localDir);
  blocks_.configure(options.executorMemory, scratch_);
  store_.configure(options.executorMemory / 2, scratch_);
  // Every rank learns every executor's core count (the driver schedules by it).
  std::vector<int> all(size_t(session.size()));
  int mine = options.executorCores;
  MPI_Allgather(&mine, 1, MPI_INT, all.data(), 1, MPI_INT, session.control());
  if (session.size() == 1)
    executorCores_ = all;
  else
    executorCores_.assign(all.begin() + 1, all.end());
}

uint64_t Runtime::taskMemoryLimit() const {
  return options_.executorMemory / 2 / uint64_t(std::max(1, options_.executorCores));
}

int Runtime::totalExecutorCores() const {
  return std::accumulate(executorCores_.begin(), executorCores_.end(), 0);
}

int Runtime::blockLocation(int rdd, int partition) const {
  auto it = blockLocations_.find({rdd, partition});
  return it == blockLocations_.end() ? -1 : it->second;
}

void Runtime::dropRddBlocks(int rdd) {
  blocks_.dropRdd(rdd);
  std::erase_if(blockLocations_, [rdd](const auto& kv) { return kv.first.first == rdd; });
}

void Runtime::mergeAccumulatorUpdates(const ByteBuffer& updates) {
  if (updates.empty()) return;
  ByteReader in(updates.span());
  forEachAccumulatorValue(in, [&](int id, ByteReader& value) {
    if (auto it = accumulators_.find(id); it != accumulators_.end()) it->second->mergeSaved(value);
  });
}

ByteBuffer Runtime::saveAccumulators() const {
  ByteBuffer out;
  out.putVarint(accumulators_.size());
  for (const auto& [id, acc] : accumulators_) writeAccumulatorValue(out, id, *acc);
  return out;
}

void Runtime::loadAccumulators(ByteReader& in) {
  forEachAccumulatorValue(in, [&](int id, ByteReader& value) {
    if (auto it = accumulators_.find(id); it != accumulators_.end()) it->second->loadSaved(value);
  });
}

void Runtime::runOnExecutors(const ByteBuffer& plan) {
  if (!currentHooks_ || !currentHooks_->onExecutors)
    throw Error("internal: runOnExecutors outside a job");
  if (localMode()) {
    ByteReader in(plan.span());
    currentHooks_->onExecutors(session_.executors(), in);
    return;
  }
  std::string errors = activeBackend_->collective(plan);
  if (!errors.empty()) throw Error(errors);
}

void Runtime::broadcastFromDriver(ByteBuffer& bytes) {
  if (!localMode()) mpi::broadcastBytes(session_.control(), 0, bytes);
}

void Runtime::unregisterShuffle(int shuffle) {
  shuffles_.erase(shuffle);
  store_.drop(shuffle);
  scheduler_.forgetShuffle(shuffle);
}

ByteBuffer Runtime::runTask(const TaskDescriptor& task) {
  if (task.kind == TaskKind::Result) return currentResultTask_(task.partition);
  auto it = shuffles_.find(task.shuffle);
  if (it == shuffles_.end())
    throw Error("internal: shuffle " + std::to_string(task.shuffle) + " is not registered");
  MapOutputWriter out(store_, task.shuffle, task.partition, it->second->numReducePartitions(),
                      taskMemoryLimit());
  it->second->runMapTask(task.partition, out);
  out.commit();
  return {};
}

JobOutcome Runtime::driveJob(int64_t job, const LineageNode& rdd,
                             const std::vector<int>& partitions, const JobHooks& hooks,
                             ExecutorBackend& backend,
                             const std::function<void(const std::function<void()>&)>& around,
                             const std::function<void(bool)>& tasksDone) {
  JobOutcome out;
  try {
    if (hooks.prepare) hooks.prepare();
    around([&] { out = scheduler_.runJob(job, rdd, partitions, backend); });
    tasksDone(out.ok);
    if (out.ok && hooks.merge) {
      ByteBuffer merged = hooks.merge(out.results, !localMode());
      out.results.clear();
      out.results.push_back(std::move(merged));
      out.sources.assign(1, ResultSource{});  // the driver alone holds the merged result
    }
    if (out.ok && hooks.commit) hooks.commit(out.results);
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = e.what();
  }
  if (!bus_.empty()) {
    JobEndEvent e{job, wallMicros(), out.ok, out.stopped, out.error};
    bus_.post([&](SchedulerListener& l) { l.onJobEnd(e); });
  }
  return out;
}

// After every task of the failed job has stopped (the caller made sure): a straggling task
// must not write into what the abort cleans up.
static void runAbortHook(const JobOutcome& out, const JobHooks& hooks) {
  if (out.ok || !hooks.abort) return;
  try {
    hooks.abort();
  } catch (const std::exception&) {
  }
}

std::vector<ByteBuffer> Runtime::runJob(const LineageNode& rdd, const std::vector<int>& partitions,
                                        ResultTask resultTask, const JobHooks& hooks) {
  const int64_t job = nextJob_++;
  currentResultTask_ = std::move(resultTask);
  currentHooks_ = &hooks;
  JobOutcome out;
  std::vector<ShuffleSave> saves;  // when the job stopped
  if (localMode()) {
    TaskRunner runner(options_.executorCores, 0, options_.taskCores,
                      [this](const auto& t) { return runTask(t); });
    LocalBackend backend(runner, store_, options_.executorCores);
    out = driveJob(
        job, rdd, partitions, hooks, backend,
        [&](const std::function<void()>& body) {
          runner.runWith([&] {
            body();
            runner.cancel();  // stragglers of a failed job stop early
          });
        },
        [](bool) {});
    store_.dropMapOutputs();
    runAbortHook(out, hooks);  // runWith returned: the workers are idle
    if (out.stopped) saves = planShuffleSaves();
  } else if (isDriver()) {
    ByteBuffer payload;
    try {
      MpiDriverBackend backend(session_.control(), executorCores_);
      activeBackend_ = &backend;
      // The executors stop while the driver merges the results, unless its commit still needs
      // them for a collective step (runOnExecutors).
      bool ending = false;
      out = driveJob(
          job, rdd, partitions, hooks, backend, [](const std::function<void()>& body) { body(); },
          [&](bool ok) {
            if (hooks.onExecutors) return;
            ending = true;  // even if a send fails part way: JobEnd goes out once
            backend.beginEndJob(ok);
          });
      activeBackend_ = nullptr;
      if (!ending) backend.beginEndJob(out.ok);
      backend.finishEndJob();  // every executor has stopped its tasks
      runAbortHook(out, hooks);
      if (out.stopped) saves = planShuffleSaves();
      payload = encodeJobOutcome(out);
      ByteBuffer accs = saveAccumulators();
      payload.append(accs.data(), accs.size());
      payload.putVarint(saves.size());
      for (const auto& s : saves) {
        payload.put(int32_t(s.shuffle));
        payload.put(int32_t(s.reducePartitions));
        payload.putString(s.identity);
        payload.putString(s.dir);
      }
      mpi::broadcastBytes(session_.control(), 0, payload);
      std::vector<size_t> separate;
      for (size_t i = 0; i < out.results.size(); ++i)
        if (out.ok && sentSeparately(out.results[i].size())) separate.push_back(i);
      shareSeparateResults(session_, out, separate, nullptr);
    } catch (const std::exception& e) {
      fatal(0, e);
    }
  } else {
    ByteBuffer payload;
    try {
      TaskRunner runner(options_.executorCores, session_.rank() - 1, options_.taskCores,
                        [this](const auto& t) { return runTask(t); });
      ExecutorChannels ch{session_.control(), session_.executors(), options_.maxExchangeRoundBytes,
                          hooks.onExecutors};
      KeptResults kept;
      serveJob(job, runner, store_, ch, kept);
      mpi::broadcastBytes(session_.control(), 0, payload);
      ByteReader in(payload.span());
      std::vector<size_t> separate;
      out = decodeJobOutcome(in, separate);
      loadAccumulators(in);
      saves.resize(in.getVarint());
      for (auto& s : saves) {
        s.shuffle = in.get<int32_t>();
        s.reducePartitions = in.get<int32_t>();
        s.identity = std::string(in.getString());
        s.dir = std::string(in.getString());
      }
      shareSeparateResults(session_, out, separate, &kept);
    } catch (const std::exception& e) {
      fatal(session_.rank(), e);
    }
  }
  if (out.stopped) finishStop(saves, out.error);
  currentResultTask_ = nullptr;
  currentHooks_ = nullptr;
  if (!out.ok) throw JobFailed(out.error);
  return std::move(out.results);
}

void Runtime::announceProgramEnd() {
  if (localMode()) return;
  ByteBuffer msg;
  msg.put(ControlKind::ProgramEnded);
  if (session_.rank() == 0) {
    mpi::MessageChannel toExecutors(session_.control(), kTagToExecutor);
    for (int r = 1; r < session_.size(); ++r) toExecutors.send(r, msg);
  } else {
    mpi::MessageChannel(session_.control(), kTagToDriver).send(0, msg);
  }
}

void Runtime::postApplicationStart() {
  const int64_t now = wallMicros();
  bus_.post([&](SchedulerListener& l) { l.onApplicationStart(provenance_, now); });
}

void Runtime::postApplicationEnd() {
  const int64_t now = wallMicros();
  bus_.post([&](SchedulerListener& l) { l.onApplicationEnd(now); });
}

bool Runtime::restoreSavedShuffle(const ShuffleDependency& dep, ExecutorBackend& backend) {
  if (checkpointDir_.empty()) return false;  // nothing was saved: costs nothing
  // Before hashing the lineage (which reads every input file's size and time): is anything
  // saved at all?
  bool anySaved = false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(checkpointDir_, ec))
    if (entry.path().filename().string().rfind("shuffle-", 0) == 0) {
      anySaved = true;
      break;
    }
  if (!anySaved) return false;
  const std::string identity = shuffleIdentity(dep, executableStamp_);
  const std::string dir = savedShuffleDir(checkpointDir_, identity);
  auto manifest = readSavedShuffleManifest(dir);
  if (!manifest || manifest->identity != identity ||
      manifest->reducePartitions != dep.numReducePartitions())
    return false;
  auto warn = [&](const std::string& why) {
    if (log_)
      *log_ << "kiln: WARN saved shuffle " << dir << " not used (" << why << "): recomputing\n"
            << std::flush;
    return false;
  };
  if (manifest->executors != backend.numExecutors())
    return warn("saved by " + std::to_string(manifest->executors) + " executors, this run has " +
                std::to_string(backend.numExecutors()));
  if (std::string errors = backend.restoreShuffle(dep.shuffleId(), dep.numReducePartitions(), dir);
      !errors.empty())
    return warn(errors);
  if (log_)
    *log_ << "kiln: shuffle " << dep.shuffleId() << " [" << dep.mapSide().name()
          << "] resumed from " << dir << "\n"
          << std::flush;
  restoredShuffles_.insert(dep.shuffleId());
  return true;
}

std::vector<Runtime::ShuffleSave> Runtime::planShuffleSaves() {
  std::vector<ShuffleSave> saves;
  if (checkpointDir_.empty()) return saves;
  for (int id : scheduler_.availableShuffles()) {
    auto it = shuffles_.find(id);
    if (it == shuffles_.end() || restoredShuffles_.count(id)) continue;
    ShuffleSave s;
    s.shuffle = id;
    s.reducePartitions = it->second->numReducePartitions();
    s.identity = shuffleIdentity(*it->second, executableStamp_);
    s.dir = savedShuffleDir(checkpointDir_, s.identity);
    if (readSavedShuffleManifest(s.dir)) continue;  // saved by an earlier stop
    std::error_code ec;
    std::filesystem::create_directories(s.dir, ec);
    if (ec) {
      if (log_) *log_ << "kiln: WARN cannot create " << s.dir << ": " << ec.message() << "\n";
      continue;
    }
    saves.push_back(std::move(s));
  }
  return saves;
}

void Runtime::finishStop(const std::vector<ShuffleSave>& saves, const std::string& why) {
  bool runsTasks = localMode() || !isDriver();
  int ok = 1;
  if (runsTasks) {
    const int executor = localMode() ? 0 : session_.rank() - 1;
    for (const auto& s : saves) {
      try {
        store_.save(s.shuffle, savedShuffleFile(s.dir, executor));
      } catch (const std::exception& e) {
        std::cerr << "kiln: rank " << session_.rank() << ": cannot save shuffle " << s.shuffle
                  << ": " << e.what() << std::endl;
        ok = 0;
      }
    }
  }
  if (!localMode()) {
    int all = ok;
    mpi::waitWithoutSpinning([&](MPI_Request* r) {
      MPI_Iallreduce(&ok, &all, 1, MPI_INT, MPI_MIN, session_.control(), r);
    });
    ok = all;
  }
  std::string message = why + "; ";
  if (checkpointDir_.empty()) {
    message +=
        "no checkpoint directory (sc.setCheckpointDir or kiln.checkpoint.dir), so "
        "nothing was saved: a rerun starts over";
  } else if (!ok) {
    message += "saving the shuffles failed (see above): a rerun recomputes them";
  } else {
    if (isDriver())
      for (const auto& s : saves)
        writeSavedShuffleManifest(s.dir, {s.identity, numExecutors(), s.reducePartitions});
    message += std::to_string(saves.size()) + " shuffle(s) saved in " + checkpointDir_ +
               ": run the same job again to resume";
  }
  currentResultTask_ = nullptr;
  currentHooks_ = nullptr;
  throw Stopped(message);
}

}  // namespace kiln::sched
