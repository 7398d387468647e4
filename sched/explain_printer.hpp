// kiln.explain: before a job runs, print its stage DAG (parents first) with the shuffle
// boundaries and partition counts, e.g.
//   kiln: explain job 2 (rdd 9 sortByKey):
//     stage 3: 4 tasks, rdd 5 map -> shuffle 1 (4 partitions)
//     stage 4: 4 tasks, rdd 9 sortByKey, reads stages 3      [result]
#pragma once

#include <ostream>

#include "scheduler_listener.hpp"

namespace kiln::sched {

class ExplainPrinter final : public SchedulerListener {
 public:
  explicit ExplainPrinter(std::ostream& out) : out_(out) {}
  void onJobStart(const JobStartEvent& e) override;

 private:
  std::ostream& out_;
};

}  // namespace kiln::sched
