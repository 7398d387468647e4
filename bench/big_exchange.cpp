// Shuffles more than 2 GiB per executor (MPI counts are int) and checks every record arrived.
//   mpirun -n 3 --bind-to none big_exchange [RECORDS=50000000]
// Records are (key, 100-byte payload); partitionBy moves about half of them between the two
// executors. The check: record count, sum of keys, and a checksum of the payloads.
#include <array>
#include <chrono>
#include <iostream>
#include <kiln/kiln.hpp>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  const long n = argc > 1 ? std::stol(argv[1]) : 50'000'000;
  using Record = std::pair<long, std::array<char, 100>>;
  auto records = sc.range(0, n, 1, 16).map([](long i) {
    Record r{i, {}};
    r.second.fill(char(i % 7));
    return r;
  });
  auto start = std::chrono::steady_clock::now();
  auto shuffled = records.partitionBy(16);
  using Sums = std::array<long, 3>;  // count, key sum, payload sum
  auto sums = shuffled.aggregate(
      Sums{0, 0, 0},
      [](Sums s, const Record& r) {
        s[0] += 1;
        s[1] += r.first;
        s[2] += r.second[0] + r.second[99];
        return s;
      },
      [](Sums a, Sums b) {
        return Sums{a[0] + b[0], a[1] + b[1], a[2] + b[2]};
      });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long payload = 0;
  for (long r = 0; r < 7; ++r) payload += 2 * r * (n / 7 + (r < n % 7 ? 1 : 0));
  bool ok = sums[0] == n && sums[1] == n * (n - 1) / 2 && sums[2] == payload;
  double gb = double(n) * sizeof(Record) / 1e9;
  sc.out() << (ok ? "ok" : "WRONG") << ": " << sums[0] << " records, " << gb << " GB shuffled in "
           << secs << " s\n";
  return ok ? 0 : 1;
}
