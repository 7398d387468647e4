// The k-means pieces the two baselines share, computing exactly what apps/kmeans.cpp does:
// the seeded point hash that picks the initial centres (the K points with the smallest), one
// Lloyd pass over a block of points (nearest centre by squared distance, the first on ties,
// summed per cluster with the cost), the centre update (an emptied cluster keeps its centre)
// and the output files (shortest round-trip numbers, as Kiln writes them).
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../../apps/splitmix.hpp"
#include "baseline_io.hpp"

namespace baseline {

inline uint64_t pointHash(const double* p, size_t dim, uint64_t seed) {
  uint64_t h = kiln_apps::mix(seed);
  for (size_t x = 0; x < dim; ++x) {
    uint64_t bits;
    std::memcpy(&bits, p + x, 8);
    h = kiln_apps::mix(h ^ bits);
  }
  return h;
}

// The k (hash, index) pairs of the smallest hashes among points [0, n), ascending.
inline std::vector<std::pair<uint64_t, size_t>> smallestHashes(const double* points, size_t n,
                                                               size_t dim, size_t k,
                                                               uint64_t seed) {
  std::vector<std::pair<uint64_t, size_t>> heap;  // a max-heap of the best k so far
  heap.reserve(k + 1);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t h = pointHash(points + i * dim, dim, seed);
    if (heap.size() == k && h >= heap.front().first) continue;
    heap.emplace_back(h, i);
    std::push_heap(heap.begin(), heap.end());
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
  }
  std::sort(heap.begin(), heap.end());
  return heap;
}

struct Totals {
  std::vector<double> sums;  // k x dim
  std::vector<long> counts;  // k
  double cost = 0;
  Totals(size_t k, size_t dim) : sums(k * dim, 0.0), counts(k, 0) {}
  void add(const Totals& o) {
    for (size_t i = 0; i < sums.size(); ++i) sums[i] += o.sums[i];
    for (size_t i = 0; i < counts.size(); ++i) counts[i] += o.counts[i];
    cost += o.cost;
  }
};

// One pass over points [0, n) into t. D is the dimension when known at compile time, else 0.
template <size_t D>
void lloydPass(const double* points, size_t n, size_t dim, const std::vector<double>& centres,
               Totals& t) {
  const size_t d = D ? D : dim, k = t.counts.size();
  const double* c = centres.data();
  for (size_t i = 0; i < n; ++i) {
    const double* p = points + i * d;
    size_t best = 0;
    double bestD = std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < k; ++j) {
      double dist = 0;
      for (size_t x = 0; x < d; ++x) {
        const double diff = p[x] - c[j * d + x];
        dist += diff * diff;
      }
      if (dist < bestD) bestD = dist, best = j;
    }
    for (size_t x = 0; x < d; ++x) t.sums[best * d + x] += p[x];
    t.counts[best]++;
    t.cost += bestD;
  }
}

inline void lloyd(const double* points, size_t n, size_t dim, const std::vector<double>& centres,
                  Totals& t) {
  switch (dim) {
    case 1:
      return lloydPass<1>(points, n, dim, centres, t);
    case 2:
      return lloydPass<2>(points, n, dim, centres, t);
    case 3:
      return lloydPass<3>(points, n, dim, centres, t);
    default:
      return lloydPass<0>(points, n, dim, centres, t);
  }
}

inline void updateCentres(const Totals& all, size_t dim, std::vector<double>& centres) {
  for (size_t j = 0; j < all.counts.size(); ++j)
    if (all.counts[j] > 0)
      for (size_t x = 0; x < dim; ++x)
        centres[j * dim + x] = all.sums[j * dim + x] / double(all.counts[j]);
}

inline void writeResults(const std::string& dir, const std::vector<double>& centres, size_t dim,
                         const std::vector<double>& costs) {
  std::filesystem::create_directories(dir);
  char buf[64];
  std::string text;
  for (size_t i = 0; i < centres.size(); ++i) {
    if (i % dim) text += ' ';
    text.append(buf, std::to_chars(buf, buf + sizeof buf, centres[i]).ptr);
    if (i % dim == dim - 1) text += '\n';
  }
  writeFile(dir + "/centres.txt", text.data(), text.size());
  text.clear();
  for (size_t i = 0; i < costs.size(); ++i) {
    text.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr).append(1, '\t');
    text.append(buf, std::to_chars(buf, buf + sizeof buf, costs[i]).ptr).append(1, '\n');
  }
  writeFile(dir + "/cost.txt", text.data(), text.size());
}

}  // namespace baseline
