#include "task_metrics.hpp"

#include <sys/resource.h>

#include <chrono>

namespace kiln::sched {
namespace {
thread_local TaskMetrics* tlsMetrics = nullptr;
}  // namespace

TaskMetrics* TaskMetrics::current() { return tlsMetrics; }

TaskMetrics::Scope::Scope(TaskMetrics& m) : previous_(tlsMetrics) { tlsMetrics = &m; }
TaskMetrics::Scope::~Scope() { tlsMetrics = previous_; }

void TaskMetrics::encode(ByteBuffer& out) const {
  out.put(startMicros);
  out.put(endMicros);
  out.put(int32_t(thread));
  for (uint64_t v : {recordsIn, recordsOut, inputBytes, outputBytes, resultBytes,
                     shuffleBytesWritten, shuffleBytesRead, spillBytes, peakMemoryBytes})
    out.putVarint(v);
}

TaskMetrics TaskMetrics::decode(ByteReader& in) {
  TaskMetrics m;
  m.startMicros = in.get<int64_t>();
  m.endMicros = in.get<int64_t>();
  m.thread = in.get<int32_t>();
  for (uint64_t* v :
       {&m.recordsIn, &m.recordsOut, &m.inputBytes, &m.outputBytes, &m.resultBytes,
        &m.shuffleBytesWritten, &m.shuffleBytesRead, &m.spillBytes, &m.peakMemoryBytes})
    *v = in.getVarint();
  return m;
}

int64_t wallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t peakResidentBytes() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return uint64_t(u.ru_maxrss) * 1024;  // kilobytes on Linux
}

}  // namespace kiln::sched
