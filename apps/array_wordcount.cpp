// Word count as a Slurm job array plus a merge job: each array task counts its slice of the
// input files, the merge job adds the partial counts (counts are mergeable: the result equals
// one word count over everything).
//   sbatch --array=0-3 ... array_wordcount count 4 INPUT PARTIALS
//       writes PARTIALS/task-ID (part files and _SUCCESS) for SLURM_ARRAY_TASK_ID of 4 tasks
//   sbatch --dependency=afterok:JOB ... array_wordcount merge PARTIALS TASKS OUTDIR
//       checks that TASKS partial results are complete, then writes word<TAB>count to OUTDIR
// A failed array task is rerun alone (sbatch --array=ID ...): it recounts the same slice.
#include <filesystem>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

namespace {

int usage(kiln::Context& sc) {
  sc.out() << "usage: array_wordcount count TASKS INPUT PARTIALS\n"
              "       array_wordcount merge PARTIALS TASKS OUTDIR\n";
  return 2;
}

void count(kiln::Context& sc, int tasks, const std::string& input, const std::string& partials) {
  auto task = kiln::ArrayTask::fromEnvironment(tasks);
  auto mine = task.slice(kiln::inputFiles(input));
  sc.out() << "array task " << task.name() << " (" << task.index + 1 << " of " << task.count
           << "): " << mine.size() << " file(s)\n";
  auto lines = mine.empty() ? sc.parallelize(std::vector<std::string>{})
                            : sc.textFile(kiln::joinPaths(mine));
  auto counts =
      lines.flatMap([](const std::string& line) { return kiln::split(line).pairedWith(1L); })
          .reduceByKey(std::plus<>());
  const std::string out = partials + "/task-" + task.name();
  // A rerun replaces the earlier attempt's output (never complete, or it would not rerun).
  if (sc.isDriver()) std::filesystem::remove_all(out);
  counts.saveAsTextFile(out);
}

void merge(kiln::Context& sc, const std::string& partials, int tasks, const std::string& outDir) {
  std::string missing;
  for (int i = 0; i < tasks; ++i)
    if (!std::filesystem::exists(partials + "/task-" + std::to_string(i) + "/_SUCCESS"))
      missing += " " + std::to_string(i);
  if (!missing.empty())
    throw kiln::Error("merge: partial results of array task(s)" + missing + " in " + partials +
                      " are missing or incomplete: rerun them with sbatch --array=ID");
  auto counts = sc.textFile(partials + "/task-*/part-*")
                    .map([](const std::string& line) {
                      auto tab = line.rfind('\t');
                      if (tab == std::string::npos)
                        throw kiln::Error("merge: not a word<TAB>count line: " + line);
                      return std::pair<std::string, long>(line.substr(0, tab),
                                                          std::stol(line.substr(tab + 1)));
                    })
                    .reduceByKey(std::plus<>());
  counts.saveAsTextFile(outDir);
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "count" && argc == 5)
    count(sc, std::stoi(argv[2]), argv[3], argv[4]);
  else if (mode == "merge" && argc == 5)
    merge(sc, argv[2], std::stoi(argv[3]), argv[4]);
  else
    return usage(sc);
  return 0;
}
