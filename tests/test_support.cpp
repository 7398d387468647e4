#include "test_support.hpp"

#include <fstream>
#include <sstream>

namespace kiln::test {

void writeFileOnDriver(const std::string& path, const std::string& content) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::ofstream f(path, std::ios::binary);
    f << content;
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace kiln::test
