// A program whose ranks part ways (a bug in it): one side returns from main while the other
// runs a job. Every rank must exit non-zero, fast, saying the ranks diverged; not wait forever.
//   diverging_ranks driver|executors   (who returns early)
#include <kiln/kiln.hpp>
#include <string>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  const bool driverLeaves = argc > 1 && std::string(argv[1]) == "driver";
  if (sc.isDriver() == driverLeaves) return 0;
  sc.out() << "count: " << sc.parallelize(std::vector<int>{1, 2, 3, 4}, 4).count() << "\n";
  return 0;
}
