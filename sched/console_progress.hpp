// Spark's console progress bar on the driver's stderr: "[Stage 3:====>      (316 + 4) / 1000]"
// (done + running / total tasks) for stages running longer than half a second. On a terminal
// the line is redrawn in place; into a file (a Slurm .out) it is a plain line every interval.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "running_stages.hpp"
#include "scheduler_listener.hpp"

namespace kiln::sched {

class ConsoleProgress final : public SchedulerListener {
 public:
  ConsoleProgress(std::ostream& out, bool terminal, int64_t lineIntervalMicros)
      : out_(out), terminal_(terminal), lineInterval_(lineIntervalMicros) {}

  void onStageSubmitted(const StageInfo& s, int64_t timeMicros) override;
  void onStageCompleted(const StageCompletedEvent& e) override;
  void onTaskStart(const TaskStartEvent& e) override;
  void onTaskEnd(const TaskEndEvent& e) override;
  void onJobEnd(const JobEndEvent& e) override;
  void onTick(int64_t timeMicros) override;

  // The bar for the running stages, e.g. "[Stage 3:=====>     (316 + 4) / 1000]".
  std::string bar() const { return bar(stages_.byId()); }

 private:
  static std::string bar(const std::map<int, StageProgress>& stages);
  void clear();

  std::ostream& out_;
  bool terminal_;
  int64_t lineInterval_;
  RunningStages stages_;
  int64_t lastDrawn_ = 0;
  bool shown_ = false;  // a bar is on the terminal's current line
};

}  // namespace kiln::sched
