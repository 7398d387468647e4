// Summary statistics of one quantity for one group (e.g. one detector): count, sum, min, max,
// mean and variance (merged with Chan et al.'s pairwise formula, so partial results from any
// number of partitions combine exactly), and a KLL sketch for approximate quantiles.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "kll_sketch.hpp"

namespace reduce_events {

struct GroupStats {
  uint64_t count = 0;
  double sum = 0, mean = 0, m2 = 0;  // m2: sum of squared deviations from the mean
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  KllSketch sketch;

  explicit GroupStats(int sketchK = 200) : sketch(sketchK) {}

  void add(double x) {
    ++count;
    sum += x;
    const double delta = x - mean;
    mean += delta / double(count);
    m2 += delta * (x - mean);
    min = std::fmin(min, x);
    max = std::fmax(max, x);
    sketch.add(x);
  }
  void merge(const GroupStats& o) {
    if (o.count == 0) return;
    const double n = double(count), m = double(o.count), delta = o.mean - mean;
    mean += delta * m / (n + m);
    m2 += o.m2 + delta * delta * n * m / (n + m);
    count += o.count;
    sum += o.sum;
    min = std::fmin(min, o.min);
    max = std::fmax(max, o.max);
    sketch.merge(o.sketch);
  }
  // Population variance (numpy's default, Spark's variance()); NaN for no values.
  double variance() const { return count ? m2 / double(count) : std::nan(""); }

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& count& sum& mean& m2& min& max& sketch;
  }
};

}  // namespace reduce_events
