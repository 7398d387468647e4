// A shuffle-heavy operation over more data than the executors' memory budget, measuring time and
// each rank's peak resident memory (VmHWM) against its resident memory before the job.
//   mpirun -n 2 --bind-to none big_shuffle OP RECORDS [--conf kiln.executor.memory=64m]
// OP: reduceByKey, groupByKey, sortByKey or join. Records are (long, long) pairs (16 bytes);
// prints one line per rank and a checksum of the result, equal whatever the budget.
#include <mpi.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

namespace {

uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ULL;
  x ^= x >> 27;
  return x;
}

// A field of /proc/self/status, in bytes.
long statusBytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1)) * 1024;
  return -1;
}

long run(kiln::Context& sc, const std::string& op, long n) {
  const int parts = 16;
  auto pairs = sc.range(0, n, 1, parts).map([n](long i) {
    return std::pair<long, long>(long(mix(uint64_t(i)) % uint64_t(n / 2)), i);
  });
  auto checksum = [](long k, long v) { return long(mix(uint64_t(k) * 31 + uint64_t(v))); };
  if (op == "reduceByKey")
    return pairs.reduceByKey(std::plus<>(), parts)
        .map([checksum](const std::pair<long, long>& kv) { return checksum(kv.first, kv.second); })
        .reduce(std::plus<>());
  if (op == "groupByKey")
    return pairs.groupByKey(parts)
        .map([checksum](const std::pair<long, std::vector<long>>& kv) {
          long s = 0;
          for (size_t i = 0; i < kv.second.size(); ++i)
            s += checksum(kv.first, kv.second[i] * long(i + 1));
          return s;
        })
        .reduce(std::plus<>());
  if (op == "sortByKey") {
    // Position-weighted: the checksum changes if the order does.
    return pairs.sortByKey(true, parts)
        .zipWithIndex()
        .map([checksum](const std::pair<std::pair<long, long>, long>& x) {
          return checksum(x.first.first, x.first.second) ^ x.second;
        })
        .reduce(std::plus<>());
  }
  if (op == "join") {
    auto other =
        sc.range(0, n / 2, 1, parts).map([](long k) { return std::pair<long, long>(k, -k); });
    return pairs.join(other, parts)
        .map([checksum](const std::pair<long, std::pair<long, long>>& kv) {
          return checksum(kv.first, kv.second.first + kv.second.second);
        })
        .reduce(std::plus<>());
  }
  throw kiln::Error("unknown operation " + op + " (reduceByKey, groupByKey, sortByKey, join)");
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  if (argc < 3) {
    sc.out() << "usage: big_shuffle OP RECORDS [--conf kiln.executor.memory=SIZE]\n";
    return 2;
  }
  const std::string op = argv[1];
  const long n = std::stol(argv[2]);
  const long before = statusBytes("VmRSS");
  auto start = std::chrono::steady_clock::now();
  long sum = run(sc, op, n);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long peak = statusBytes("VmHWM");
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<long> all(2 * size_t(size));
  long mine[2] = {before, peak};
  MPI_Gather(mine, 2, MPI_LONG, all.data(), 2, MPI_LONG, 0, MPI_COMM_WORLD);
  sc.out() << op << " " << n << " records (" << double(n) * 16 / (1 << 20) << " MiB) in " << secs
           << " s, checksum " << sum << "\n";
  for (int r = 0; r < size; ++r)
    sc.out() << "  rank " << r << (r == 0 && size > 1 ? " (driver)" : "") << ": rss before "
             << all[2 * size_t(r)] / (1 << 20) << " MiB, peak "
             << all[2 * size_t(r) + 1] / (1 << 20) << " MiB, growth "
             << (all[2 * size_t(r) + 1] - all[2 * size_t(r)]) / (1 << 20) << " MiB\n";
  return 0;
}
