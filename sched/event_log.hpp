// The event log: one JSON object per line per scheduler event, one file per application
// (DIR/APP.jsonl, named APP.jsonl.inprogress until the application ends). kiln-report turns it
// into an HTML report. Lines are buffered and written at job ends (the cost stays per job).
#pragma once

#include <cstdio>
#include <string>

#include "scheduler_listener.hpp"

namespace kiln::sched {

class EventLog final : public SchedulerListener {
 public:
  // Creates DIR (and parents) and the file; throws naming them when it cannot.
  EventLog(const std::string& dir, const std::string& appId);
  ~EventLog() override;
  const std::string& path() const { return path_; }

  void onApplicationStart(const std::vector<std::pair<std::string, std::string>>& facts,
                          int64_t timeMicros) override;
  void onApplicationEnd(int64_t timeMicros) override;
  void onJobStart(const JobStartEvent& e) override;
  void onJobEnd(const JobEndEvent& e) override;
  void onStageSubmitted(const StageInfo& s, int64_t timeMicros) override;
  void onStageCompleted(const StageCompletedEvent& e) override;
  void onTaskStart(const TaskStartEvent& e) override;
  void onTaskEnd(const TaskEndEvent& e) override;

 private:
  void line(const std::string& json);
  void flush();
  std::string path_;  // final name
  std::string appId_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

}  // namespace kiln::sched
