// Word counts sorted by word, written slowly: a job long enough to be stopped by SIGUSR1 in its
// last stage after both shuffles are done (the Slurm test of time limits).
//   slow_sorted_count INPUT OUTDIR MARKER DELAY_MS
// Each output task creates MARKER when it starts, then sleeps DELAY_MS.
#include <chrono>
#include <fstream>
#include <kiln/kiln.hpp>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  if (argc != 5) {
    std::cerr << "usage: slow_sorted_count INPUT OUTDIR MARKER DELAY_MS\n";
    return 2;
  }
  const std::string marker = argv[3];
  const int delayMs = std::stoi(argv[4]);
  sc.textFile(argv[1])
      .flatMap([](const std::string& line) { return kiln::split(line); })
      .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
      .reduceByKey(std::plus<>(), 4)
      .sortByKey(true, 4)
      .map([marker, delayMs](const std::pair<std::string, long>& kv) {
        thread_local int seenPartition = -1;
        if (int p = kiln::TaskContext::get()->partitionId(); p != seenPartition) {
          seenPartition = p;
          std::ofstream{marker};
          std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        }
        return kv.first + "\t" + std::to_string(kv.second);
      })
      .saveAsTextFile(argv[2]);
  return 0;
}
