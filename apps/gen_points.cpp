// gen_points: points around random centres (Gaussian blobs), for kmeans, as text lines or one
// HDF5 dataset. The same arguments give the same points for any rank count.
//   mpirun -n 3 ./gen_points POINTS DIM CLUSTERS OUT [--seed S] [--hdf5]
// OUT: an output directory of text part files, or with --hdf5 a file with dataset "points".
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

#include "splitmix.hpp"

namespace {

using kiln_apps::mix;

bool positive(const std::string& s, long& out) {
  char* end = nullptr;
  out = std::strtol(s.c_str(), &end, 10);
  return end != s.c_str() && *end == 0 && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: gen_points POINTS DIM CLUSTERS OUT [--seed S] [--hdf5]\n";
    return 0;
  }
  long seed = 7;
  bool hdf5 = false;
  std::vector<std::string> pos;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--hdf5") {
      hdf5 = true;
    } else if (args[i] == "--seed" && i + 1 < args.size()) {
      if (!positive(args[++i], seed)) {
        if (sc.isDriver()) std::cerr << "gen_points: --seed needs a positive number\n";
        return 2;
      }
    } else {
      pos.push_back(args[i]);
    }
  }
  long n = 0, dim = 0, clusters = 0;
  if (pos.size() != 4 || !positive(pos[0], n) || !positive(pos[1], dim) ||
      !positive(pos[2], clusters)) {
    if (sc.isDriver())
      std::cerr << "usage: gen_points POINTS DIM CLUSTERS OUT [--seed S] [--hdf5]\n";
    return 2;
  }
  const uint64_t s = uint64_t(seed);
  const int parts = int(std::max<long>(2, (n + 999'999) / 1'000'000));  // a file per 1e6 points
  auto points = sc.range(0, n, 1, parts).map([s, dim, clusters](long i) {
    uint64_t h = mix(s ^ mix(uint64_t(i)));
    const uint64_t c = h % uint64_t(clusters);
    std::vector<double> p(static_cast<size_t>(dim));
    for (long x = 0; x < dim; ++x) {
      // The centre: uniform in [0, 100) per coordinate; spread 2 (Box-Muller).
      double centre = 100 * kiln_apps::unitInterval(mix(s ^ (c * 1000003 + uint64_t(x))));
      h = mix(h);
      double u1 = kiln_apps::unitInterval(h);
      h = mix(h);
      double u2 = kiln_apps::unitInterval(h);
      p[size_t(x)] = centre + 2 * std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    return p;
  });
  if (hdf5) {
    points.saveAsHDF5(pos[3], "points");
  } else {
    points
        .map([](const std::vector<double>& p) {
          std::string line;
          for (size_t x = 0; x < p.size(); ++x) {
            if (x) line += ' ';
            char buf[32];
            int len = std::snprintf(buf, sizeof buf, "%.17g", p[x]);
            line.append(buf, size_t(len));
          }
          return line;
        })
        .saveAsTextFile(pos[3]);
  }
  sc.out() << "gen_points: " << n << " points of dimension " << dim << " around " << clusters
           << " centres in " << pos[3] << "\n";
  return 0;
}
