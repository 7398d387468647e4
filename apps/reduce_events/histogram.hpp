// A weighted histogram of one or two axes with regular bins, ROOT's layout: on each axis bin 0
// is the underflow (below low), bins 1..n the regular bins, bin n+1 the overflow (at or above
// high). Keeps the sum of weights and of squared weights per bin (the bin errors), and the
// number of entries. A value that is NaN is not filled; nanEntries counts those rows.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "expression.hpp"

namespace reduce_events {

struct Axis {
  Expression expression;
  int bins = 0;
  double low = 0, high = 0;

  std::vector<double> edges() const {
    std::vector<double> e(size_t(bins) + 1);
    for (int i = 0; i <= bins; ++i) e[size_t(i)] = low + (high - low) * i / bins;
    return e;
  }
  // 0 underflow, 1..bins, bins + 1 overflow; x must not be NaN.
  size_t binOf(double x) const {
    if (x < low) return 0;
    if (x >= high) return size_t(bins) + 1;
    auto b = size_t((x - low) / (high - low) * bins);
    return 1 + std::min(b, size_t(bins) - 1);  // rounding can land on bins for x just below high
  }
};

// What a histogram is (its name and axes); filled counts live in HistogramCounts.
struct HistogramSpec {
  std::string name;
  std::vector<Axis> axes;  // one or two

  size_t cells() const {
    size_t n = 1;
    for (const auto& a : axes) n *= size_t(a.bins) + 2;
    return n;
  }
};

struct HistogramCounts {
  std::vector<double> sumw, sumw2;
  uint64_t entries = 0, nanEntries = 0;

  explicit HistogramCounts(size_t cells = 0) : sumw(cells), sumw2(cells) {}
  void merge(const HistogramCounts& o) {
    for (size_t i = 0; i < sumw.size(); ++i) sumw[i] += o.sumw[i], sumw2[i] += o.sumw2[i];
    entries += o.entries;
    nanEntries += o.nanEntries;
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& sumw& sumw2& entries& nanEntries;
  }
};

// Fills rows [0, rows) of the frame: the axes' values and the weights already evaluated.
inline void fill(const HistogramSpec& spec, const std::vector<std::vector<double>>& axisValues,
                 const std::vector<double>& weights, HistogramCounts& h) {
  const size_t rows = weights.size();
  if (spec.axes.size() == 1) {
    const Axis& ax = spec.axes[0];
    const double* x = axisValues[0].data();
    for (size_t i = 0; i < rows; ++i) {
      if (std::isnan(x[i])) {
        ++h.nanEntries;
        continue;
      }
      size_t b = ax.binOf(x[i]);
      h.sumw[b] += weights[i];
      h.sumw2[b] += weights[i] * weights[i];
      ++h.entries;
    }
    return;
  }
  const Axis &ax = spec.axes[0], &ay = spec.axes[1];
  const size_t stride = size_t(ay.bins) + 2;  // row-major: x is the first index
  const double *x = axisValues[0].data(), *y = axisValues[1].data();
  for (size_t i = 0; i < rows; ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) {
      ++h.nanEntries;
      continue;
    }
    size_t b = ax.binOf(x[i]) * stride + ay.binOf(y[i]);
    h.sumw[b] += weights[i];
    h.sumw2[b] += weights[i] * weights[i];
    ++h.entries;
  }
}

}  // namespace reduce_events
