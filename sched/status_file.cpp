#include "status_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "../util/error.hpp"
#include "../util/json_writer.hpp"

namespace kiln::sched {
namespace {
constexpr int64_t kWriteEveryMicros = 1000000;
}  // namespace

StatusFile::StatusFile(const std::string& dir, const std::string& appId,
                       std::vector<std::pair<std::string, std::string>> facts)
    : appId_(appId), facts_(std::move(facts)) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir)) throw Error("kiln.status.dir: cannot create " + dir);
  path_ = dir + "/" + appId + ".status";
}

void StatusFile::write(int64_t now, bool force) {
  if (!force && now - lastWritten_ < kWriteEveryMicros) return;
  lastWritten_ = now;
  std::string stages = "[";
  for (const auto& [id, s] : stages_.byId())
    stages += std::string(stages.size() > 1 ? "," : "") + JsonObject()
                                                              .field("stage", id)
                                                              .field("rdd", s.rdd)
                                                              .field("tasks", s.total)
                                                              .field("done", s.done)
                                                              .field("running", s.running)
                                                              .str();
  stages += "]";
  JsonObject facts;
  for (const auto& [k, v] : facts_) facts.field(k, v);
  std::string text = JsonObject()
                         .field("app", appId_)
                         .field("state", state_)
                         .field("pid", int64_t(::getpid()))
                         .field("started", started_)
                         .field("updated", now)
                         .field("job", job_)
                         .field("jobDescription", jobDescription_)
                         .field("jobsDone", jobsDone_)
                         .field("jobsFailed", jobsFailed_)
                         .field("lastError", lastError_)
                         .raw("stages", stages)
                         .raw("properties", facts.str())
                         .str() +
                     "\n";
  // Written beside and renamed over: a reader never sees half a file.
  const std::string tmp = path_ + ".tmp";
  if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    if (ok) std::rename(tmp.c_str(), path_.c_str());
  }
}

void StatusFile::onApplicationStart(const std::vector<std::pair<std::string, std::string>>&,
                                    int64_t timeMicros) {
  started_ = timeMicros;
  state_ = "running";
  write(timeMicros, true);
}

void StatusFile::onApplicationEnd(int64_t timeMicros) {
  state_ = "finished";
  stages_.clear();
  write(timeMicros, true);
}

void StatusFile::onJobStart(const JobStartEvent& e) {
  job_ = e.job;
  jobDescription_ = e.description;
  write(e.timeMicros, false);
}

void StatusFile::onJobEnd(const JobEndEvent& e) {
  stages_.clear();
  if (e.ok) {
    ++jobsDone_;
  } else {
    ++jobsFailed_;
    lastError_ = e.error;
    if (e.stopped) state_ = "stopped";
  }
  write(e.timeMicros, !e.ok);
}

void StatusFile::onStageSubmitted(const StageInfo& s, int64_t timeMicros) {
  stages_.submitted(s, timeMicros);
  write(timeMicros, false);
}

void StatusFile::onStageCompleted(const StageCompletedEvent& e) {
  stages_.completed(e.info.stage);
  write(e.completeMicros, false);
}

void StatusFile::onTaskStart(const TaskStartEvent& e) { stages_.taskStarted(e); }

void StatusFile::onTaskEnd(const TaskEndEvent& e) { stages_.taskEnded(e); }

void StatusFile::onTick(int64_t timeMicros) { write(timeMicros, false); }

}  // namespace kiln::sched
