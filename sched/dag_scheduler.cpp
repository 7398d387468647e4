#include "dag_scheduler.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <unordered_set>

namespace kiln::sched {

// One stage's tasks while its job runs.
struct DagScheduler::StageRun {
  Stage* stage = nullptr;
  std::vector<int> partitions;
  std::vector<int> failures;
  std::vector<uint8_t> done;
  int64_t submitMicros = 0;
  std::vector<std::deque<int>> pendingFor;  // by executor: tasks whose data lives there
  std::deque<int> pendingAnywhere;
  int remaining = 0;
  std::string lastError;

  void enqueue(int index, int numExecutors) {
    int loc = stage->rdd->location(partitions[size_t(index)], numExecutors);
    if (loc >= 0)
      pendingFor[size_t(loc)].push_back(index);
    else
      pendingAnywhere.push_back(index);
  }
  bool hasPending(int e) const {
    return !pendingFor[size_t(e)].empty() || !pendingAnywhere.empty();
  }
  bool hasLocalPending(int e) const { return !pendingFor[size_t(e)].empty(); }
  bool hasAnyPending() const {
    return !pendingAnywhere.empty() ||
           std::any_of(pendingFor.begin(), pendingFor.end(), [](auto& q) { return !q.empty(); });
  }
  int takePending(int e) {
    auto& q = pendingFor[size_t(e)].empty() ? pendingAnywhere : pendingFor[size_t(e)];
    int i = q.front();
    q.pop_front();
    return i;
  }
};

namespace {

// The order to hand out a stage's tasks (indices into partitions): the largest input first,
// so a stage ends on its small tasks instead of a large one started last (k-means' text files
// split into 32 and 4 MiB pieces: at -n 3 one executor got six of the ten large ones, and
// everything it cached). Ties, and stages whose sizes are unknown, keep partition order.
std::vector<int> largestFirst(const LineageNode& rdd, const std::vector<int>& partitions) {
  std::vector<int> order(partitions.size());
  std::vector<uint64_t> bytes(partitions.size());
  for (size_t i = 0; i < partitions.size(); ++i) {
    order[i] = int(i);
    bytes[i] = rdd.inputBytesHint(partitions[i]);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return bytes[size_t(a)] > bytes[size_t(b)]; });
  return order;
}

}  // namespace

DagScheduler::Stage& DagScheduler::mapStageFor(const ShuffleDependency& dep, StageMemo& memo) {
  if (auto it = memo.find(dep.shuffleId()); it != memo.end()) return *it->second;
  auto& slot = mapStages_[dep.shuffleId()];
  if (!slot || slot->shuffle != &dep) {
    slot = std::make_unique<Stage>();
    slot->id = nextStageId_++;
    slot->rdd = &dep.mapSide();
    slot->shuffle = &dep;
  }
  memo[dep.shuffleId()] = slot.get();
  if (!shuffleAvailable(dep.shuffleId()) && restore_ && backend_ && restore_(dep, *backend_))
    availableShuffles_.insert(dep.shuffleId());
  // An available shuffle needs none of its parents; otherwise they are found afresh, since an
  // earlier job may have freed shuffles they depend on.
  slot->parents =
      shuffleAvailable(dep.shuffleId()) ? std::vector<Stage*>{} : parentStages(dep.mapSide(), memo);
  return *slot;
}

// The map stages of the shuffles reachable from rdd through narrow dependencies.
std::vector<DagScheduler::Stage*> DagScheduler::parentStages(const LineageNode& rdd,
                                                             StageMemo& memo) {
  std::vector<Stage*> parents;
  std::unordered_set<int> seen;
  std::vector<const LineageNode*> todo{&rdd};
  while (!todo.empty()) {
    const LineageNode* n = todo.back();
    todo.pop_back();
    if (!seen.insert(n->id()).second) continue;
    for (const Dependency& d : n->dependencies()) {
      if (d.shuffle) {
        Stage* s = &mapStageFor(*d.shuffle, memo);
        if (std::find(parents.begin(), parents.end(), s) == parents.end()) parents.push_back(s);
      } else {
        todo.push_back(d.parent);
      }
    }
  }
  return parents;
}

StageInfo DagScheduler::describe(const Stage& s, int64_t job, int numTasks) const {
  StageInfo info;
  info.stage = s.id;
  info.job = job;
  info.rddName = s.rdd->name();
  info.rddId = s.rdd->id();
  info.numTasks = numTasks;
  if (s.shuffle) {
    info.shuffleId = s.shuffle->shuffleId();
    info.numReducePartitions = s.shuffle->numReducePartitions();
    info.skipped = shuffleAvailable(info.shuffleId);
  }
  for (const Stage* p : s.parents) info.parents.push_back(p->id);
  return info;
}

JobOutcome DagScheduler::runJob(int64_t job, const LineageNode& finalRdd,
                                const std::vector<int>& partitions, ExecutorBackend& backend) {
  JobOutcome outcome;
  outcome.results.resize(partitions.size());
  outcome.sources.resize(partitions.size());
  const int numExec = backend.numExecutors();

  if (partitions.empty()) return JobOutcome{true, false, "", {}, {}};
  auto stopped = [&] {
    outcome.stopped = true;
    outcome.error = "Job " + std::to_string(job) + " stopped at a safe point: SIGUSR1 received";
    return outcome;
  };
  if (stopCheck_ && stopCheck_()) return stopped();
  backend_ = &backend;
  StageMemo memo;
  Stage resultStage;
  resultStage.id = nextStageId_++;
  resultStage.rdd = &finalRdd;
  resultStage.parents = parentStages(finalRdd, memo);
  if (bus_) {
    JobStartEvent e;
    e.job = job;
    e.timeMicros = wallMicros();
    e.description = "rdd " + std::to_string(finalRdd.id()) + " " + finalRdd.name();
    std::unordered_set<const Stage*> listed;
    std::function<void(const Stage&)> list = [&](const Stage& s) {
      if (!listed.insert(&s).second) return;
      for (const Stage* p : s.parents) list(*p);
      e.stages.push_back(
          describe(s, job, &s == &resultStage ? int(partitions.size()) : s.rdd->numPartitions()));
    };
    list(resultStage);
    bus_->post([&](SchedulerListener& l) { l.onJobStart(e); });
  }

  std::vector<std::unique_ptr<StageRun>> active;
  std::vector<Stage*> waiting;
  std::unordered_set<Stage*> submitted;
  std::vector<int> busy(size_t(numExec), 0);

  auto parentsReady = [&](const Stage& s) {
    return std::all_of(s.parents.begin(), s.parents.end(),
                       [&](Stage* p) { return shuffleAvailable(p->shuffle->shuffleId()); });
  };
  std::function<void(StageRun&)> stageFinished;
  auto stageCompleted = [&](StageRun& run, bool ok, const std::string& failure) {
    if (!bus_) return;
    StageCompletedEvent e;
    e.info = describe(*run.stage, job, int(run.partitions.size()));
    e.submitMicros = run.submitMicros;
    e.completeMicros = wallMicros();
    e.ok = ok;
    e.failure = failure;
    bus_->post([&](SchedulerListener& l) { l.onStageCompleted(e); });
  };
  auto start = [&](Stage& s, std::vector<int> parts) {
    auto run = std::make_unique<StageRun>();
    run->stage = &s;
    run->partitions = std::move(parts);
    run->failures.assign(run->partitions.size(), 0);
    run->done.assign(run->partitions.size(), 0);
    run->pendingFor.resize(size_t(numExec));
    run->remaining = int(run->partitions.size());
    run->submitMicros = wallMicros();
    if (bus_) {
      StageInfo info = describe(s, job, run->remaining);
      bus_->post([&](SchedulerListener& l) { l.onStageSubmitted(info, run->submitMicros); });
    }
    for (int i : largestFirst(*s.rdd, run->partitions)) run->enqueue(i, numExec);
    if (run->remaining == 0) {
      stageCompleted(*run, true, "");
      stageFinished(*run);  // e.g. the map side of an empty input: nothing to run, still exchange
      return;
    }
    active.push_back(std::move(run));
  };
  auto allPartitions = [](const LineageNode& rdd) {
    std::vector<int> p(size_t(rdd.numPartitions()));
    for (int i = 0; i < rdd.numPartitions(); ++i) p[size_t(i)] = i;
    return p;
  };
  // Starts a stage once its parents' shuffles exist, submitting missing parents first.
  std::function<void(Stage&)> submit = [&](Stage& s) {
    if (!submitted.insert(&s).second) return;
    if (parentsReady(s)) {
      start(s, &s == &resultStage ? partitions : allPartitions(*s.rdd));
      return;
    }
    waiting.push_back(&s);
    for (Stage* p : s.parents)
      if (!shuffleAvailable(p->shuffle->shuffleId())) submit(*p);
  };
  stageFinished = [&](StageRun& run) {
    Stage& s = *run.stage;
    if (s.shuffle) {
      backend.exchange(s.shuffle->shuffleId(), s.shuffle->numReducePartitions());
      availableShuffles_.insert(s.shuffle->shuffleId());
    }
    std::vector<Stage*> ready;
    for (Stage* w : waiting)
      if (parentsReady(*w)) ready.push_back(w);
    waiting.erase(
        std::remove_if(waiting.begin(), waiting.end(), [&](Stage* w) { return parentsReady(*w); }),
        waiting.end());
    for (Stage* w : ready) start(*w, w == &resultStage ? partitions : allPartitions(*w->rdd));
  };
  submit(resultStage);

  bool resultDone = false;
  while (!resultDone) {
    // Hand out tasks: oldest stage first, data-local tasks first, one per core. Once every
    // core is busy and tasks remain, each executor gets one more, queued, so a thread that
    // finishes starts its next task without waiting for the driver's reply. Where tasks queue
    // ahead, the tasks whose data lives on an executor (cached blocks, its reduce partitions)
    // all go to it at once: they can run nowhere else, so queueing them costs no balance, and
    // its threads never wait for the driver between them. (With one task queued, a driver
    // that two busy cores kept from running for a few milliseconds left short tasks' threads
    // idle: k-means iterations at -n 3 took about a sixth longer so.) With one executor every
    // task is bound to it, so all go at once.
    auto fill = [&](int e, int room) {
      std::vector<TaskDescriptor> batch;
      for (auto& run : active) {
        while (run->hasPending(e) &&
               (busy[size_t(e)] + int(batch.size()) < room ||
                (backend.queuesAhead() && (numExec == 1 || run->hasLocalPending(e))))) {
          int i = run->takePending(e);
          TaskDescriptor t;
          t.job = job;
          t.stage = run->stage->id;
          t.kind = run->stage->shuffle ? TaskKind::ShuffleMap : TaskKind::Result;
          t.shuffle = run->stage->shuffle ? run->stage->shuffle->shuffleId() : -1;
          t.index = i;
          t.partition = run->partitions[size_t(i)];
          t.attempt = run->failures[size_t(i)];
          batch.push_back(t);
        }
      }
      if (batch.empty()) return;
      busy[size_t(e)] += int(batch.size());
      backend.launch(e, batch);
      if (bus_) {
        const int64_t now = wallMicros();
        for (const auto& t : batch) {
          TaskStartEvent ev{t, e, now};
          bus_->post([&](SchedulerListener& l) { l.onTaskStart(ev); });
        }
      }
    };
    for (int e = 0; e < numExec; ++e) fill(e, backend.slots(e));
    if (backend.queuesAhead()) {
      bool everyCoreBusy = true;
      for (int e = 0; e < numExec; ++e) everyCoreBusy &= busy[size_t(e)] >= backend.slots(e);
      if (everyCoreBusy)
        for (int e = 0; e < numExec; ++e) fill(e, backend.slots(e) + 1);
    }

    const bool moreToLaunch =
        !waiting.empty() ||
        std::any_of(active.begin(), active.end(), [](auto& run) { return run->hasAnyPending(); });
    auto got = backend.nextOutcome(moreToLaunch);
    if (stopCheck_ && stopCheck_()) return stopped();
    if (bus_) {
      const int64_t now = wallMicros();
      bus_->post([&](SchedulerListener& l) { l.onTick(now); });
    }
    if (!got) continue;
    TaskOutcome& o = *got;
    if (o.task.job != job) continue;  // a straggler from an earlier, failed job
    busy[size_t(o.executor)]--;
    auto it = std::find_if(active.begin(), active.end(),
                           [&](auto& r) { return r->stage->id == o.task.stage; });
    if (it == active.end()) continue;
    StageRun& run = **it;
    size_t i = size_t(o.task.index);
    if (run.done[i]) continue;
    if (bus_) {
      TaskEndEvent ev{o.task, o.executor, o.ok, o.error, o.metrics};
      bus_->post([&](SchedulerListener& l) { l.onTaskEnd(ev); });
    }
    if (!o.ok) {
      run.failures[i]++;
      const LineageNode& rdd = *run.stage->rdd;
      std::string where = "task " + std::to_string(i) + " (partition " +
                          std::to_string(o.task.partition) + ") of stage " +
                          std::to_string(run.stage->id) + " [rdd " + std::to_string(rdd.id()) +
                          " " + rdd.name() + "]";
      if (log_)
        *log_ << "kiln: WARN lost " << where << ", attempt " << o.task.attempt << ", on executor "
              << o.executor << ": " << o.error << "\n"
              << std::flush;
      if (run.failures[i] >= maxTaskFailures_) {
        outcome.error = "Job " + std::to_string(job) + " aborted: " + where + " failed " +
                        std::to_string(run.failures[i]) +
                        " times; most recent failure on executor " + std::to_string(o.executor) +
                        ": " + o.error;
        stageCompleted(run, false, outcome.error);
        return outcome;
      }
      run.enqueue(int(i), numExec);
      continue;
    }
    run.done[i] = 1;
    if (onTaskSuccess_) onTaskSuccess_(o);
    if (run.stage == &resultStage) {
      outcome.results[i] = std::move(o.result);
      outcome.sources[i] = {o.executor, o.task.attempt};
    }
    if (--run.remaining > 0) continue;
    bool wasResult = run.stage == &resultStage;
    auto finished = std::move(*it);
    active.erase(it);
    stageCompleted(*finished, true, "");
    if (wasResult) {
      resultDone = true;
    } else {
      stageFinished(*finished);
    }
  }
  outcome.ok = true;
  return outcome;
}

}  // namespace kiln::sched
