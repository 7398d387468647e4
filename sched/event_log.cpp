#include "event_log.hpp"

#include <filesystem>

#include "../util/error.hpp"
#include "../util/json_writer.hpp"

namespace kiln::sched {
namespace {

std::string stageJson(const StageInfo& s) {
  std::string parents = "[";
  for (size_t i = 0; i < s.parents.size(); ++i) {
    if (i) parents += ',';
    parents += std::to_string(s.parents[i]);
  }
  parents += "]";
  return JsonObject()
      .field("stage", s.stage)
      .field("rdd", s.rddName)
      .field("rddId", s.rddId)
      .field("tasks", s.numTasks)
      .field("shuffle", s.shuffleId)
      .field("reducePartitions", s.numReducePartitions)
      .raw("parents", parents)
      .field("skipped", s.skipped)
      .str();
}

// The fields every task event starts with.
JsonObject taskEvent(const char* event, int64_t time, const TaskDescriptor& t, int executor) {
  JsonObject o;
  o.field("event", event)
      .field("time", time)
      .field("job", t.job)
      .field("stage", t.stage)
      .field("index", t.index)
      .field("partition", t.partition)
      .field("attempt", t.attempt)
      .field("executor", executor);
  return o;
}

}  // namespace

EventLog::EventLog(const std::string& dir, const std::string& appId) : appId_(appId) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  path_ = dir + "/" + appId + ".jsonl";
  const std::string open = path_ + ".inprogress";
  file_ = std::fopen(open.c_str(), "w");
  if (!file_) throw Error(std::string("kiln.eventLog.dir: cannot create ").append(open));
}

EventLog::~EventLog() {
  if (file_) {
    flush();
    std::fclose(file_);
  }
}

void EventLog::line(const std::string& json) {
  buffer_ += json;
  buffer_ += '\n';
  if (buffer_.size() > (size_t(1) << 20)) flush();
}

void EventLog::flush() {
  if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  buffer_.clear();
  std::fflush(file_);
}

void EventLog::onApplicationStart(const std::vector<std::pair<std::string, std::string>>& facts,
                                  int64_t timeMicros) {
  JsonObject props;
  for (const auto& [k, v] : facts) props.field(k, v);
  line(JsonObject()
           .field("event", "ApplicationStart")
           .field("time", timeMicros)
           .field("app", appId_)
           .raw("properties", props.str())
           .str());
  flush();
}

void EventLog::onApplicationEnd(int64_t timeMicros) {
  line(JsonObject().field("event", "ApplicationEnd").field("time", timeMicros).str());
  flush();
  std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  std::filesystem::rename(path_ + ".inprogress", path_, ec);
}

void EventLog::onJobStart(const JobStartEvent& e) {
  std::string stages = "[";
  for (size_t i = 0; i < e.stages.size(); ++i) {
    if (i) stages += ',';
    stages += stageJson(e.stages[i]);
  }
  stages += "]";
  line(JsonObject()
           .field("event", "JobStart")
           .field("time", e.timeMicros)
           .field("job", e.job)
           .field("description", e.description)
           .raw("stages", stages)
           .str());
}

void EventLog::onJobEnd(const JobEndEvent& e) {
  line(JsonObject()
           .field("event", "JobEnd")
           .field("time", e.timeMicros)
           .field("job", e.job)
           .field("ok", e.ok)
           .field("stopped", e.stopped)
           .field("error", e.error)
           .str());
  flush();
}

void EventLog::onStageSubmitted(const StageInfo& s, int64_t timeMicros) {
  line(JsonObject()
           .field("event", "StageSubmitted")
           .field("time", timeMicros)
           .field("job", s.job)
           .raw("stage", stageJson(s))
           .str());
}

void EventLog::onStageCompleted(const StageCompletedEvent& e) {
  line(JsonObject()
           .field("event", "StageCompleted")
           .field("time", e.completeMicros)
           .field("job", e.info.job)
           .field("stage", e.info.stage)
           .field("submitted", e.submitMicros)
           .field("duration", e.completeMicros - e.submitMicros)
           .field("ok", e.ok)
           .field("failure", e.failure)
           .str());
}

void EventLog::onTaskStart(const TaskStartEvent& e) {
  line(taskEvent("TaskStart", e.timeMicros, e.task, e.executor).str());
}

void EventLog::onTaskEnd(const TaskEndEvent& e) {
  const TaskMetrics& m = e.metrics;
  line(taskEvent("TaskEnd", m.endMicros, e.task, e.executor)
           .field("thread", m.thread)
           .field("ok", e.ok)
           .field("error", e.error)
           .field("start", m.startMicros)
           .field("duration", m.runMicros())
           .field("recordsIn", m.recordsIn)
           .field("recordsOut", m.recordsOut)
           .field("inputBytes", m.inputBytes)
           .field("outputBytes", m.outputBytes)
           .field("resultBytes", m.resultBytes)
           .field("shuffleBytesWritten", m.shuffleBytesWritten)
           .field("shuffleBytesRead", m.shuffleBytesRead)
           .field("spillBytes", m.spillBytes)
           .field("peakMemoryBytes", m.peakMemoryBytes)
           .str());
}

}  // namespace kiln::sched
