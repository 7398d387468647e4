// The large results of the result tasks an executor ran in the current job, kept after they
// were sent to the driver. Every rank gets a job's results; the executor that made an accepted
// result hands it to the other executors itself, so no result travels back to its maker (with
// one executor, nothing travels back at all).
#pragma once

#include <map>
#include <string>
#include <utility>

#include "../util/byte_buffer.hpp"
#include "../util/error.hpp"
#include "task.hpp"

namespace kiln::sched {

class KeptResults {
 public:
  // The kept bytes stay where they are until take() (a send in flight may read them).
  const ByteBuffer& keep(const TaskDescriptor& task, ByteBuffer result) {
    return byTask_[{task.index, task.attempt}] = std::move(result);
  }
  // The result of task `index`'s attempt `attempt`; an error if this executor did not keep it.
  ByteBuffer take(int index, int attempt) {
    auto it = byTask_.find({index, attempt});
    if (it == byTask_.end())
      throw Error("internal: the result of task " + std::to_string(index) + ", attempt " +
                  std::to_string(attempt) + " was not kept by the executor that ran it");
    ByteBuffer r = std::move(it->second);
    byTask_.erase(it);
    return r;
  }

 private:
  std::map<std::pair<int, int>, ByteBuffer> byTask_;  // (task index, attempt) -> result
};

}  // namespace kiln::sched
