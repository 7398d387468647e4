#include "runtime.hpp"

#include <iostream>
#include <numeric>

#include "../mpi/message_channel.hpp"
#include "executor_service.hpp"
#include "local_backend.hpp"
#include "map_output_writer.hpp"
#include "mpi_driver_backend.hpp"
#include "task_runner.hpp"

namespace kiln::sched {
namespace {

// A failed job sends only its error: partial results are of no use to anyone.
ByteBuffer encodeJobOutcome(const JobOutcome& o) {
  ByteBuffer b;
  b.put(uint8_t(o.ok));
  b.putString(o.error);
  b.put(uint64_t(o.ok ? o.results.size() : 0));
  if (!o.ok) return b;
  for (const auto& r : o.results) {
    b.putVarint(r.size());
    b.append(r.data(), r.size());
  }
  return b;
}

JobOutcome decodeJobOutcome(ByteReader& r) {
  JobOutcome o;
  o.ok = r.get<uint8_t>() != 0;
  o.error = std::string(r.getString());
  o.results.resize(r.get<uint64_t>());
  for (auto& res : o.results) {
    size_t n = r.getVarint();
    res.append(r.take(n), n);
  }
  return o;
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
                             const std::function<void(const std::function<void()>&)>& around) {
  JobOutcome out;
  try {
    if (hooks.prepare) hooks.prepare();
    around([&] { out = scheduler_.runJob(job, rdd, partitions, backend); });
    if (out.ok && hooks.commit) hooks.commit(out.results);
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = e.what();
  }
  if (!out.ok && hooks.abort) {
    try {
      hooks.abort();
    } catch (const std::exception&) {
    }
  }
  return out;
}

std::vector<ByteBuffer> Runtime::runJob(const LineageNode& rdd, const std::vector<int>& partitions,
                                        ResultTask resultTask, const JobHooks& hooks) {
  const int64_t job = nextJob_++;
  currentResultTask_ = std::move(resultTask);
  currentHooks_ = &hooks;
  JobOutcome out;
  if (localMode()) {
    TaskRunner runner(options_.executorCores, 0, options_.taskCores,
                      [this](const auto& t) { return runTask(t); });
    LocalBackend backend(runner, store_, options_.executorCores);
    out = driveJob(job, rdd, partitions, hooks, backend, [&](const std::function<void()>& body) {
      runner.runWith([&] {
        body();
        runner.cancel();  // stragglers of a failed job stop early
      });
    });
    store_.dropMapOutputs();
  } else if (isDriver()) {
    ByteBuffer payload;
    try {
      MpiDriverBackend backend(session_.control(), executorCores_);
      activeBackend_ = &backend;
      out = driveJob(job, rdd, partitions, hooks, backend,
                     [](const std::function<void()>& body) { body(); });
      activeBackend_ = nullptr;
      backend.endJob(out.ok);
      payload = encodeJobOutcome(out);
      ByteBuffer accs = saveAccumulators();
      payload.append(accs.data(), accs.size());
      mpi::broadcastBytes(session_.control(), 0, payload);
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
      serveJob(job, runner, store_, ch);
      mpi::broadcastBytes(session_.control(), 0, payload);
      ByteReader in(payload.span());
      out = decodeJobOutcome(in);
      loadAccumulators(in);
    } catch (const std::exception& e) {
      fatal(session_.rank(), e);
    }
  }
  currentResultTask_ = nullptr;
  currentHooks_ = nullptr;
  if (!out.ok) throw JobFailed(out.error);
  return std::move(out.results);
}

}  // namespace kiln::sched
