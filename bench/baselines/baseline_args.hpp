// Command lines of the PageRank and k-means baselines: the same options as apps/pagerank and
// apps/kmeans, parsed once for the single-thread and the MPI program.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace baseline {

struct PagerankArgs {
  std::string edges, outdir;
  int iterations = 10;
  double damping = 0.85;
};

// EDGES OUTDIR [--iterations N] [--damping D]; nothing if malformed.
inline std::optional<PagerankArgs> parsePagerankArgs(int argc, char** argv) {
  PagerankArgs a;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string o = argv[i];
    if (o == "--iterations" && i + 1 < argc)
      a.iterations = std::atoi(argv[++i]);
    else if (o == "--damping" && i + 1 < argc)
      a.damping = std::atof(argv[++i]);
    else
      pos.push_back(o);
  }
  if (pos.size() != 2 || a.iterations < 0 || a.damping < 0 || a.damping > 1) return std::nullopt;
  a.edges = pos[0];
  a.outdir = pos[1];
  return a;
}

struct KmeansArgs {
  std::string input, outdir;
  long k = 0, iterations = 10, seed = 1;
};

// INPUT K OUTDIR [--iterations N] [--seed S]; nothing if malformed.
inline std::optional<KmeansArgs> parseKmeansArgs(int argc, char** argv) {
  KmeansArgs a;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string o = argv[i];
    if ((o == "--iterations" || o == "--seed") && i + 1 < argc)
      (o == "--seed" ? a.seed : a.iterations) = std::atol(argv[++i]);
    else
      pos.push_back(o);
  }
  if (pos.size() != 3) return std::nullopt;
  a.k = std::atol(pos[1].c_str());
  if (a.k < 1 || a.iterations < 0 || a.seed < 0) return std::nullopt;
  a.input = pos[0];
  a.outdir = pos[2];
  return a;
}

}  // namespace baseline
