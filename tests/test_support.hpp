// Helpers shared by the test suites.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <filesystem>
#include <kiln/kiln.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace kiln::test {

// A Context for one test, with extra configuration.
inline std::unique_ptr<Context> makeContext(
    std::vector<std::pair<std::string, std::string>> conf = {}) {
  static char name[] = "kiln_tests";
  static char* args[] = {name, nullptr};
  int argc = 1;
  char** argv = args;
  Conf c;
  for (auto& [k, v] : conf) c.set(k, v);
  return std::make_unique<Context>(argc, argv, c);
}

// A fresh directory every rank agrees on; removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    char buf[256] = {};
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "kiln-test-XXXXXX").string();
      std::snprintf(buf, sizeof buf, "%s", tmpl.c_str());
      if (!mkdtemp(buf)) buf[0] = 0;
    }
    MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, MPI_COMM_WORLD);
    path_ = buf;
  }
  ~TempDir() {
    MPI_Barrier(MPI_COMM_WORLD);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    std::error_code ec;
    if (rank == 0) std::filesystem::remove_all(path_, ec);
  }
  std::string path(const std::string& name = "") const {
    return name.empty() ? path_ : path_ + "/" + name;
  }

 private:
  std::string path_;
};

// Ranks run freely between actions: a test that inspects side effects (files written by tasks)
// must hold every rank until all have looked, or a fast rank's next job changes what a slow rank
// sees.
inline void waitForAllRanks() { MPI_Barrier(MPI_COMM_WORLD); }

// Rank 0 writes a file; every rank returns once it exists.
void writeFileOnDriver(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// n uniform random integers in [-range/2, range/2), the same on every rank for a seed.
template <class T>
std::vector<T> randomValues(size_t n, unsigned seed, long range) {
  std::mt19937 rng(seed);
  std::vector<T> v(n);
  for (auto& x : v) x = T(long(rng() % uint64_t(range)) - range / 2);
  return v;
}

// Random keys with a heavy skew: about half the records share key 0.
inline std::vector<std::pair<int, long>> skewedPairs(size_t n, int keys, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> key(0, keys - 1);
  std::uniform_int_distribution<long> val(-1000, 1000);
  std::vector<std::pair<int, long>> out;
  for (size_t i = 0; i < n; ++i) out.emplace_back(rng() % 2 ? 0 : key(rng), val(rng));
  return out;
}

}  // namespace kiln::test
