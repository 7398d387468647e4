#include "explain_printer.hpp"

#include <string>

namespace kiln::sched {

void ExplainPrinter::onJobStart(const JobStartEvent& e) {
  std::string text = "kiln: explain job " + std::to_string(e.job) + " (" + e.description + "):\n";
  for (const StageInfo& s : e.stages) {
    text += "  stage " + std::to_string(s.stage) + ": " + std::to_string(s.numTasks) +
            " task(s), rdd " + std::to_string(s.rddId) + " " + s.rddName;
    if (!s.parents.empty()) {
      text += ", reads the shuffle(s) of stage(s)";
      for (size_t i = 0; i < s.parents.size(); ++i)
        text += (i ? ", " : " ") + std::to_string(s.parents[i]);
    }
    if (s.shuffleId >= 0)
      text += " -> shuffle " + std::to_string(s.shuffleId) + " (" +
              std::to_string(s.numReducePartitions) + " partitions)" +
              (s.skipped ? " [skipped: its output exists]" : "");
    else
      text += " [result]";
    text += "\n";
  }
  out_ << text << std::flush;
}

}  // namespace kiln::sched
