// The task counts of the stages a job is running, kept up from scheduler events (the progress
// bar and the status file both show them).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "scheduler_listener.hpp"

namespace kiln::sched {

struct StageProgress {
  std::string rdd;
  int total = 0;
  int done = 0;
  int running = 0;
  int64_t submitted = 0;
};

class RunningStages {
 public:
  void submitted(const StageInfo& s, int64_t timeMicros) {
    stages_[s.stage] = StageProgress{s.rddName, s.numTasks, 0, 0, timeMicros};
  }
  void taskStarted(const TaskStartEvent& e) {
    if (auto it = stages_.find(e.task.stage); it != stages_.end()) ++it->second.running;
  }
  void taskEnded(const TaskEndEvent& e) {
    auto it = stages_.find(e.task.stage);
    if (it == stages_.end()) return;
    it->second.running = std::max(0, it->second.running - 1);
    if (e.ok) ++it->second.done;
  }
  void completed(int stage) { stages_.erase(stage); }
  void clear() { stages_.clear(); }
  const std::map<int, StageProgress>& byId() const { return stages_; }

 private:
  std::map<int, StageProgress> stages_;
};

}  // namespace kiln::sched
