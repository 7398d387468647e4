// Single-threaded k-means (Lloyd's algorithm), no framework: the COST baseline for apps/kmeans
// with text input. Parses the points into one flat array (std::from_chars), takes as initial
// centres the K points with the smallest seeded hash (a bounded heap), then runs the
// iterations as plain loops (dimension 1-3 compiled in). Writes OUTDIR/centres.txt and
// OUTDIR/cost.txt exactly as apps/kmeans does (see kmeans_kernel.hpp).
//   kmeans_seq INPUT K OUTDIR [--iterations 10] [--seed 1]
// INPUT: a text file or a directory of them, one point per line.
#include <cstdint>
#include <string>
#include <vector>

#include "baseline_args.hpp"
#include "baseline_io.hpp"
#include "kmeans_kernel.hpp"
#include "text_parse.hpp"

int main(int argc, char** argv) {
  const auto args = baseline::parseKmeansArgs(argc, argv);
  if (!args) {
    std::fprintf(stderr, "usage: kmeans_seq INPUT K OUTDIR [--iterations N] [--seed S]\n");
    return 2;
  }
  const long k = args->k, iterations = args->iterations, seed = args->seed;
  const baseline::Inputs in(args->input);
  std::vector<double> points;
  size_t dim = 0;
  baseline::forEachLineBlock(in, 0, in.total(), [&](const char* p, const char* end) {
    baseline::parsePoints("kmeans_seq", p, end, points, dim);
  });
  const size_t n = dim ? points.size() / dim : 0, kk = size_t(k);
  if (n < kk)
    baseline::die("kmeans_seq: " + args->input + " has " + std::to_string(n) +
                  " point(s), fewer than K = " + std::to_string(k));

  std::vector<double> centres;
  for (const auto& [hash, i] : baseline::smallestHashes(points.data(), n, dim, kk, uint64_t(seed)))
    centres.insert(centres.end(), points.begin() + ptrdiff_t(i * dim),
                   points.begin() + ptrdiff_t((i + 1) * dim));
  std::vector<double> costs;
  for (long it = 0; it < iterations; ++it) {
    baseline::Totals all(kk, dim);
    baseline::lloyd(points.data(), n, dim, centres, all);
    costs.push_back(all.cost);
    baseline::updateCentres(all, dim, centres);
  }
  baseline::writeResults(args->outdir, centres, dim, costs);
  return 0;
}
