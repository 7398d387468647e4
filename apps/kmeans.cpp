// k-means clustering (Lloyd's algorithm) of points from text or HDF5.
//   mpirun -n 3 ./kmeans INPUT K OUTDIR [--iterations 10] [--seed 1] [--dataset points]
// INPUT: text, one point per line (numbers separated by whitespace, all of one dimension), or
// an HDF5 file (.h5/.hdf5) with a 2-D float64 dataset of one point per row.
// Initial centres: the K points with the smallest hash of (seed, coordinates), so the result
// does not depend on partitioning or rank count. An emptied cluster keeps its centre.
// OUTDIR/centres.txt: one centre per line; OUTDIR/cost.txt: "iteration<TAB>cost", the sum of
// squared distances to the nearest centre before each update.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kiln/kiln.hpp>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "splitmix.hpp"

namespace {

using Point = std::vector<double>;

using kiln_apps::mix;

uint64_t pointHash(std::span<const double> p, uint64_t seed) {
  uint64_t h = mix(seed);
  for (double x : p) {
    uint64_t bits;
    std::memcpy(&bits, &x, 8);
    h = mix(h ^ bits);
  }
  return h;
}

bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// A run of points of one dimension, coordinates back to back: what the iterations stream over
// (no allocation or pointer per point).
struct PointBlock {
  uint32_t dim = 0;
  std::vector<double> coords;
  size_t size() const { return dim ? coords.size() / dim : 0; }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& dim& coords;
  }
};

[[noreturn]] void mixedDimensions(size_t one, size_t other) {
  throw kiln::Error("kmeans: a point has " + std::to_string(one) + " coordinates, the others " +
                    std::to_string(other));
}

// Appends the point on a text line to the block; a blank line adds nothing.
void parsePoint(std::string_view line, PointBlock& block) {
  const char *at = line.data(), *end = line.data() + line.size();
  size_t coords = 0;
  while (true) {
    while (at < end && isSpace(*at)) ++at;
    if (at == end) break;
    double x = 0;
    auto [stop, ec] = std::from_chars(at, end, x);  // finds the word's end itself
    if (ec != std::errc() || (stop < end && !isSpace(*stop)) || !std::isfinite(x)) {
      const char* wordEnd = at;
      while (wordEnd < end && !isSpace(*wordEnd)) ++wordEnd;
      throw kiln::Error("kmeans: bad point line '" + std::string(line) + "': '" +
                        std::string(at, wordEnd) + "' is not a number");
    }
    block.coords.push_back(x);
    ++coords;
    at = stop;
  }
  if (coords == 0) return;
  if (block.dim == 0) block.dim = uint32_t(coords);
  if (coords != block.dim) mixedDimensions(coords, block.dim);
}

// A batch of text lines as (at most) one block.
std::vector<PointBlock> parseLines(std::span<const std::string> lines) {
  PointBlock block;
  block.coords.reserve(lines.size() * 2);
  for (const std::string& line : lines) parsePoint(line, block);
  std::vector<PointBlock> out;
  if (block.dim) out.push_back(std::move(block));
  return out;
}

// A batch of HDF5 rows as one block.
std::vector<PointBlock> packRows(std::span<const std::vector<double>> rows) {
  PointBlock block;
  block.dim = uint32_t(rows[0].size());
  block.coords.reserve(rows.size() * block.dim);
  for (const auto& row : rows) {
    if (row.size() != block.dim) mixedDimensions(row.size(), block.dim);
    block.coords.insert(block.coords.end(), row.begin(), row.end());
  }
  return {std::move(block)};
}

// Per-cluster coordinate sums and counts, and the cost, of one partition (then of all).
struct Totals {
  std::vector<double> sums;  // k x dim
  std::vector<long> counts;  // k
  double cost = 0;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& sums& counts& cost;
  }
};

// Adds each point of the block to its nearest centre's sums; D is the dimension when known at
// compile time (0: dim).
template <size_t D>
void addNearest(const PointBlock& b, const std::vector<double>& centres, size_t k, size_t dim,
                Totals& t) {
  const size_t d = D ? D : dim;
  const double* c = centres.data();
  const double* x = b.coords.data();
  for (size_t p = 0, n = b.size(); p < n; ++p, x += d) {
    size_t best = 0;
    double bestD = std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < k; ++j) {
      double dist = 0;
      for (size_t a = 0; a < d; ++a) {
        double diff = x[a] - c[j * d + a];
        dist += diff * diff;
      }
      if (dist < bestD) bestD = dist, best = j;
    }
    for (size_t a = 0; a < d; ++a) t.sums[best * d + a] += x[a];
    t.counts[best]++;
    t.cost += bestD;
  }
}

std::string formatNumber(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: kmeans INPUT K OUTDIR [--iterations N] [--seed S] [--dataset NAME]\n"
                "  INPUT  text (a point per line) or HDF5 (.h5/.hdf5: a 2-D float64 dataset)\n"
                "  K      clusters; N iterations (default 10); S seed (default 1);\n"
                "  NAME   the HDF5 dataset (default points)\n"
                "  OUTDIR (must not exist) gets centres.txt and cost.txt\n";
    return 0;
  }
  long iterations = 10, seed = 1, k = 0;
  std::string dataset = "points";
  std::vector<std::string> positional;
  auto fail = [&](const std::string& why) {
    if (sc.isDriver()) std::cerr << "kmeans: " << why << " (--help)\n";
    return 2;
  };
  auto number = [](const std::string& s, long& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && out >= 0;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--iterations" || a == "--seed" || a == "--dataset") {
      if (i + 1 == args.size()) return fail(a + " needs a value");
      const std::string& v = args[++i];
      if (a == "--dataset")
        dataset = v;
      else if (!number(v, a == "--seed" ? seed : iterations))
        return fail(a + " " + v + ": expected a whole number >= 0");
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 3) return fail("expected INPUT K OUTDIR");
  if (!number(positional[1], k) || k < 1)
    return fail("K " + positional[1] + ": expected a positive number");
  const std::string& input = positional[0];
  const std::string ext = std::filesystem::path(input).extension().string();
  // Points stream into compact blocks a batch at a time; the iterations read the cached blocks.
  kiln::RDD<PointBlock> blocks =
      (ext == ".h5" || ext == ".hdf5")
          ? sc.hdf5<std::vector<double>>(input, dataset).mapBatches(packRows)
          : sc.textFile(input).mapBatches(parseLines);
  blocks.cache();
  const uint64_t s = uint64_t(seed);
  // Each block offers its K points of smallest hash; the K smallest of those win.
  using Candidate = std::pair<uint64_t, Point>;
  auto initial = blocks
                     .flatMap([s, k](const PointBlock& b) {
                       std::vector<Candidate> best;
                       uint64_t cutoff = UINT64_MAX;  // once K are kept, a larger hash cannot win
                       for (size_t i = 0; i < b.size(); ++i) {
                         std::span<const double> p(b.coords.data() + i * b.dim, b.dim);
                         const uint64_t h = pointHash(p, s);
                         if (h > cutoff) continue;
                         best.emplace_back(h, Point(p.begin(), p.end()));
                         if (best.size() == size_t(2 * k)) {  // keep the K smallest, in bulk
                           std::nth_element(best.begin(), best.begin() + (k - 1), best.end());
                           best.resize(size_t(k));
                           cutoff = best[size_t(k - 1)].first;
                         }
                       }
                       return best;
                     })
                     .takeOrdered(k);
  if (long(initial.size()) < k)
    throw kiln::Error("kmeans: " + input + " has " + std::to_string(initial.size()) +
                      " point(s), fewer than K = " + std::to_string(k));
  const size_t dim = initial[0].second.size();
  if (dim == 0) throw kiln::Error("kmeans: " + input + ": points have no coordinates");
  std::vector<double> centres;
  for (const auto& c : initial) centres.insert(centres.end(), c.second.begin(), c.second.end());

  std::vector<double> costs;
  for (long it = 0; it < iterations; ++it) {
    auto shared = sc.broadcast(centres);
    const size_t kk = size_t(k);
    // One pass: each point is added to its nearest centre's sums as it streams by.
    Totals zero{std::vector<double>(kk * dim), std::vector<long>(kk), 0};
    Totals all = blocks.aggregate(
        std::move(zero),
        [shared, kk, dim](Totals t, const PointBlock& b) {
          if (b.dim != dim)
            throw kiln::Error("kmeans: a point has " + std::to_string(b.dim) +
                              " coordinates, the others " + std::to_string(dim));
          // The common small dimensions get loops the compiler unrolls.
          switch (dim) {
            case 1:
              addNearest<1>(b, shared.value(), kk, dim, t);
              break;
            case 2:
              addNearest<2>(b, shared.value(), kk, dim, t);
              break;
            case 3:
              addNearest<3>(b, shared.value(), kk, dim, t);
              break;
            default:
              addNearest<0>(b, shared.value(), kk, dim, t);
          }
          return t;
        },
        [](Totals a, Totals b) {
          for (size_t i = 0; i < a.sums.size(); ++i) a.sums[i] += b.sums[i];
          for (size_t i = 0; i < a.counts.size(); ++i) a.counts[i] += b.counts[i];
          a.cost += b.cost;
          return a;
        });
    costs.push_back(all.cost);
    for (size_t j = 0; j < kk; ++j)
      if (all.counts[j] > 0)
        for (size_t x = 0; x < dim; ++x)
          centres[j * dim + x] = all.sums[j * dim + x] / double(all.counts[j]);
  }
  if (sc.isDriver()) {
    // An existing OUTDIR is refused, as Spark's model savers and saveAsTextFile refuse theirs:
    // replacing the files of an earlier run without a word would lose them.
    if (!std::filesystem::create_directories(positional[2]))
      throw kiln::Error("kmeans: OUTDIR " + positional[2] +
                        " exists (remove it or choose another)");
    std::ofstream out(positional[2] + "/centres.txt"), cost(positional[2] + "/cost.txt");
    for (size_t j = 0; j < size_t(k); ++j) {
      for (size_t x = 0; x < dim; ++x) out << (x ? " " : "") << formatNumber(centres[j * dim + x]);
      out << "\n";
    }
    for (size_t i = 0; i < costs.size(); ++i) cost << i << "\t" << formatNumber(costs[i]) << "\n";
    if (!out || !cost) throw kiln::Error("kmeans: cannot write into " + positional[2]);
  }
  sc.out() << "kmeans: " << k << " centres of dimension " << dim << " after " << iterations
           << " iteration(s)" << (costs.empty() ? "" : ", cost " + formatNumber(costs.back()))
           << "\n";
  return 0;
}
