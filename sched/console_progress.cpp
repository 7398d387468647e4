#include "console_progress.hpp"

#include <algorithm>

namespace kiln::sched {
namespace {

constexpr int64_t kShowAfterMicros = 500000;  // stages shorter than this never show
constexpr int64_t kRedrawMicros = 200000;     // terminal refresh
constexpr size_t kWidth = 80;
constexpr size_t kMaxStagesShown = 3;

}  // namespace

std::string ConsoleProgress::bar(const std::map<int, StageProgress>& stages) {
  std::string line;
  size_t shown = 0;
  const size_t perStage = kWidth / std::min(kMaxStagesShown, std::max<size_t>(1, stages.size()));
  for (const auto& [id, s] : stages) {
    if (shown++ == kMaxStagesShown) break;
    std::string head = "[Stage ";
    head += std::to_string(id);
    head += ':';
    std::string tail = "(";
    tail += std::to_string(s.done);
    tail += " + ";
    tail += std::to_string(s.running);
    tail += ") / ";
    tail += std::to_string(s.total);
    tail += ']';
    size_t room = perStage > head.size() + tail.size() ? perStage - head.size() - tail.size() : 0;
    std::string fill(room, ' ');
    if (room > 0 && s.total > 0) {
      size_t filled = room * size_t(s.done) / size_t(s.total);
      std::fill_n(fill.begin(), filled, '=');
      if (filled < room) fill[filled] = '>';
    }
    line += head + fill + tail;
  }
  return line;
}

void ConsoleProgress::onStageSubmitted(const StageInfo& s, int64_t timeMicros) {
  stages_.submitted(s, timeMicros);
}

void ConsoleProgress::onTaskStart(const TaskStartEvent& e) { stages_.taskStarted(e); }

void ConsoleProgress::onTaskEnd(const TaskEndEvent& e) { stages_.taskEnded(e); }

void ConsoleProgress::onStageCompleted(const StageCompletedEvent& e) {
  auto it = stages_.byId().find(e.info.stage);
  if (it == stages_.byId().end()) return;
  // A stage that was shown as plain lines ends with its final count.
  if (!terminal_ && shown_) out_ << bar({*it}) << "\n" << std::flush;
  stages_.completed(e.info.stage);
  if (stages_.byId().empty()) clear();
}

void ConsoleProgress::onJobEnd(const JobEndEvent&) {
  stages_.clear();
  clear();
}

void ConsoleProgress::onTick(int64_t now) {
  const auto& stages = stages_.byId();
  bool due = std::any_of(stages.begin(), stages.end(), [&](const auto& s) {
    return now - s.second.submitted >= kShowAfterMicros;
  });
  if (!due) return;
  if (terminal_) {
    if (now - lastDrawn_ < kRedrawMicros) return;
    std::string line = bar();
    out_ << '\r' << line << std::string(kWidth > line.size() ? kWidth - line.size() : 0, ' ')
         << '\r' << std::flush;
  } else {
    if (shown_ && now - lastDrawn_ < lineInterval_) return;
    out_ << bar() << "\n" << std::flush;
  }
  lastDrawn_ = now;
  shown_ = true;
}

void ConsoleProgress::clear() {
  if (terminal_ && shown_) out_ << '\r' << std::string(kWidth, ' ') << '\r' << std::flush;
  shown_ = false;
}

}  // namespace kiln::sched
