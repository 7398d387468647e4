// The latency of a trivial job: parallelize one record in one partition and count it, many
// times; prints the median and 90th percentile wall time per job, measured on the driver.
//   mpirun -n 3 --bind-to none ./trivial_job [JOBS=2000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <kiln/kiln.hpp>
#include <string>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  const int jobs = argc > 1 ? std::max(10, std::atoi(argv[1])) : 2000;
  auto one = sc.parallelize(std::vector<int>{1}, 1);
  for (int i = 0; i < 50; ++i) one.count();  // warm up: threads, buffers, pages
  std::vector<double> micros;
  micros.reserve(size_t(jobs));
  for (int i = 0; i < jobs; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (one.count() != 1) throw kiln::Error("trivial_job: wrong count");
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(micros.begin(), micros.end());
  if (sc.isDriver())
    std::printf("| %d | %d | %.0f | %.0f |\n", sc.numRanks(), jobs, micros[micros.size() / 2],
                micros[micros.size() * 9 / 10]);
  return 0;
}
