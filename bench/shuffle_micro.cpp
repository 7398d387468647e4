// Shuffle microbenchmark, Kiln side: bytes per second through partitionBy (a hash shuffle) of
// records already in memory. bench/baselines/alltoallv_raw.cpp does the same exchange with a
// plain MPI_Alltoallv; bench/shuffle_bench.sh runs both and compares them.
//   mpirun -n N --bind-to none shuffle_micro [RECORDS=10000000] [PARTITIONS=16] [REPS=1]
// Records are (uint64 key, 92-byte payload): 100 bytes on the wire. They are generated and
// cached (count() materializes them) before the clock starts; the timed part is partitionBy
// into PARTITIONS reduce partitions followed by an aggregate that reads every record's key and
// payload into a checksum, from the barrier before the job to its result on the driver.
// REPS > 1 repeats the timed part on the same cached records (for profiles). The driver prints
// one line per repetition:
//   kiln ranks=N executors=E threads=T records=R bytes=B seconds=S gbps=G checksum=C
// where the checksum (count and an order-independent sum over the records) equals the raw
// baseline's for the same RECORDS.
#include <mpi.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <kiln/kiln.hpp>
#include <string>

#include "shuffle_records.hpp"

namespace {

using shuffle_records::kPayload;
using shuffle_records::makeRecord;
using shuffle_records::mix;
using shuffle_records::recordSum;

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  const long n = argc > 1 ? std::stol(argv[1]) : 10'000'000;
  const int parts = argc > 2 ? std::stoi(argv[2]) : 16;
  const int reps = argc > 3 ? std::stoi(argv[3]) : 1;
  using Record = std::pair<uint64_t, std::array<char, kPayload>>;

  auto records = sc.range(0, n, 1, parts).map([](long i) {
    Record r;
    makeRecord(uint64_t(i), r.first, r.second.data());
    return r;
  });
  records.cache();
  if (records.count() != n) throw kiln::Error("generation lost records");

  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const double bytes = double(n) * double(sizeof(uint64_t) + kPayload);
  using Sums = std::array<uint64_t, 2>;  // records, checksum
  bool ok = true;
  for (int rep = 0; rep < reps; ++rep) {
    MPI_Barrier(MPI_COMM_WORLD);
    auto start = std::chrono::steady_clock::now();
    Sums sums = records.partitionBy(parts).aggregate(
        Sums{0, 0},
        [](Sums s, const Record& r) {
          s[0] += 1;
          s[1] += recordSum(r.first, r.second.data());
          return s;
        },
        [](Sums a, Sums b) {
          return Sums{a[0] + b[0], a[1] + b[1]};
        });
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ok = ok && sums[0] == uint64_t(n);
    sc.out() << "kiln ranks=" << size << " executors=" << (size > 1 ? size - 1 : 1)
             << " threads=" << sc.defaultParallelism() << " records=" << sums[0]
             << " bytes=" << uint64_t(bytes) << " seconds=" << secs
             << " gbps=" << bytes / secs / 1e9 << " checksum=" << sums[0] << ":" << sums[1]
             << std::endl;
  }
  return ok ? 0 : 1;
}
