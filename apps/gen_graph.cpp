// gen_graph: a random directed graph as text "src dst" lines, for pagerank. Sources are
// uniform, destinations skewed (a power law: a few vertices get many in-edges, as in web
// graphs). The same arguments give the same edges for any rank count.
//   mpirun -n 3 ./gen_graph VERTICES EDGES OUTDIR [--seed S]
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

#include "splitmix.hpp"

namespace {

using kiln_apps::mix;

bool positiveNumber(const std::string& s, long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s.c_str(), &end, 10);
  return errno == 0 && end != s.c_str() && *end == 0 && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: gen_graph VERTICES EDGES OUTDIR [--seed S]\n";
    return 0;
  }
  long seed = 42;
  if (args.size() == 5 && args[3] == "--seed") {
    if (!positiveNumber(args[4], seed)) {
      if (sc.isDriver()) std::cerr << "gen_graph: --seed needs a positive number\n";
      return 2;
    }
    args.resize(3);
  }
  long vertices = 0, edges = 0;
  if (args.size() != 3 || !positiveNumber(args[0], vertices) || !positiveNumber(args[1], edges)) {
    if (sc.isDriver())
      std::cerr << "usage: gen_graph VERTICES EDGES OUTDIR [--seed S] (positive counts)\n";
    return 2;
  }
  const uint64_t s = uint64_t(seed);
  sc.range(0, edges, 1, int(std::max<long>(2, edges / 2'000'000 + 1)))
      .map([s, vertices](long i) {
        uint64_t a = mix(s ^ mix(uint64_t(i))), b = mix(a);
        long src = long(a % uint64_t(vertices));
        double u = double(b >> 11) / double(uint64_t(1) << 53);  // [0, 1)
        long dst = std::min(vertices - 1, long(std::pow(u, 3.0) * double(vertices)));
        return std::to_string(src) + " " + std::to_string(dst);
      })
      .saveAsTextFile(args[2]);
  sc.out() << "gen_graph: " << edges << " edges over " << vertices << " vertices in " << args[2]
           << "\n";
  return 0;
}
