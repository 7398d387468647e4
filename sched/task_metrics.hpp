// What one task did, counted where it happens and reported with its outcome (progress, event
// log, report). Counting is per block or per task, never per record.
#pragma once

#include <cstdint>

#include "../util/byte_buffer.hpp"

namespace kiln::sched {

struct TaskMetrics {
  int64_t startMicros = 0;  // wall clock (microseconds since the epoch), on the executor
  int64_t endMicros = 0;
  int64_t runMicros() const { return endMicros - startMicros; }
  int thread = 0;            // the executor's task thread, 1..cores
  uint64_t recordsIn = 0;    // produced by the stage's first operators (sources, shuffle reads)
  uint64_t recordsOut = 0;   // handed to the shuffle writer or the action
  uint64_t inputBytes = 0;   // read from input files (text, HDF5)
  uint64_t outputBytes = 0;  // written to output files (saveAsTextFile)
  uint64_t resultBytes = 0;  // a result task's serialized value
  uint64_t shuffleBytesWritten = 0;
  uint64_t shuffleBytesRead = 0;
  uint64_t spillBytes = 0;       // written to scratch and spill files while the task ran
  uint64_t peakMemoryBytes = 0;  // the executor's peak resident memory when the task ended

  // The metrics of the task running on this thread, or nullptr outside tasks.
  static TaskMetrics* current();
  // Installed by the task runner around each task.
  class Scope {
   public:
    explicit Scope(TaskMetrics& m);
    ~Scope();

   private:
    TaskMetrics* previous_;
  };
  // How deep the running task is in nested Node::compute calls (the outermost counts recordsOut).
  int computeDepth = 0;

  void encode(ByteBuffer& out) const;
  static TaskMetrics decode(ByteReader& in);
};

// For sources and writers: add to the running task's counts (nothing outside tasks).
inline void countInputBytes(uint64_t n) {
  if (TaskMetrics* m = TaskMetrics::current()) m->inputBytes += n;
}
inline void countOutputBytes(uint64_t n) {
  if (TaskMetrics* m = TaskMetrics::current()) m->outputBytes += n;
}

int64_t wallMicros();
// The process's peak resident memory so far (getrusage).
uint64_t peakResidentBytes();

}  // namespace kiln::sched
