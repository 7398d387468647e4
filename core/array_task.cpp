#include "array_task.hpp"

#include <cstdlib>

#include "../util/error.hpp"

namespace kiln {
namespace {

int envInt(const char* var, int fallback) {
  const char* v = std::getenv(var);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != 0 || n < 0 || n > 1 << 30)
    throw Error(std::string("job array: ") + var + "=" + v + " is not a task id");
  return int(n);
}

}  // namespace

ArrayTask ArrayTask::fromEnvironment(int tasks) {
  if (tasks < 1) throw Error("job array: the number of tasks must be positive");
  ArrayTask t;
  t.id = envInt("SLURM_ARRAY_TASK_ID", -1);
  if (t.id < 0) return t;
  if (t.id >= tasks)
    throw Error("job array: SLURM_ARRAY_TASK_ID " + std::to_string(t.id) + " is outside 0.." +
                std::to_string(tasks - 1) + " (submit with --array=0-" + std::to_string(tasks - 1) +
                ")");
  t.index = t.id;
  t.count = tasks;
  return t;
}

std::string joinPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) {
    if (p.find(',') != std::string::npos)
      throw Error("joinPaths: a path with a comma cannot be listed: " + p);
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

}  // namespace kiln
