// A small JSON file describing what the application is doing now (job, stages, task counts),
// rewritten atomically at most once a second and at the end, for `kiln-status DIR` on a login
// node: DIR/APP.status.
#pragma once

#include <map>
#include <string>

#include "running_stages.hpp"
#include "scheduler_listener.hpp"

namespace kiln::sched {

class StatusFile final : public SchedulerListener {
 public:
  StatusFile(const std::string& dir, const std::string& appId,
             std::vector<std::pair<std::string, std::string>> facts);
  const std::string& path() const { return path_; }

  void onApplicationStart(const std::vector<std::pair<std::string, std::string>>&,
                          int64_t timeMicros) override;
  void onApplicationEnd(int64_t timeMicros) override;
  void onJobStart(const JobStartEvent& e) override;
  void onJobEnd(const JobEndEvent& e) override;
  void onStageSubmitted(const StageInfo& s, int64_t timeMicros) override;
  void onStageCompleted(const StageCompletedEvent& e) override;
  void onTaskStart(const TaskStartEvent& e) override;
  void onTaskEnd(const TaskEndEvent& e) override;
  void onTick(int64_t timeMicros) override;

 private:
  void write(int64_t now, bool force);

  std::string path_;
  std::string appId_;
  std::vector<std::pair<std::string, std::string>> facts_;
  std::string state_ = "starting";
  int64_t started_ = 0;
  int64_t lastWritten_ = 0;
  int64_t job_ = -1;
  std::string jobDescription_;
  int jobsDone_ = 0;
  int jobsFailed_ = 0;
  std::string lastError_;
  RunningStages stages_;
};

}  // namespace kiln::sched
