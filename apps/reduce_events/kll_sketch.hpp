// Approximate quantiles in bounded memory, mergeable across partitions: a KLL sketch
// (Karnin, Lang, Liberty 2016). Level h holds items that each stand for 2^h values; a full level
// is sorted and every other item moves up, so a sketch of n values keeps O(k log(n/k)) items and
// any rank is off by about 1.7/k of n at most (k = 200: under 1 %).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace reduce_events {

class KllSketch {
 public:
  explicit KllSketch(int k = 200) : k_(k) {}

  void add(double x) {
    if (levels_.empty()) levels_.emplace_back();
    levels_[0].push_back(x);
    ++count_;
    if (levels_[0].size() >= capacity(0)) compress();
  }

  void merge(const KllSketch& other) {
    if (levels_.size() < other.levels_.size()) levels_.resize(other.levels_.size());
    for (size_t h = 0; h < other.levels_.size(); ++h)
      levels_[h].insert(levels_[h].end(), other.levels_[h].begin(), other.levels_[h].end());
    count_ += other.count_;
    compress();
  }

  uint64_t count() const { return count_; }

  // The smallest kept value whose estimated rank reaches q * count (q in [0, 1]); NaN if empty.
  double quantile(double q) const {
    std::vector<std::pair<double, uint64_t>> weighted;
    for (size_t h = 0; h < levels_.size(); ++h)
      for (double x : levels_[h]) weighted.emplace_back(x, uint64_t(1) << h);
    if (weighted.empty()) return std::nan("");
    std::sort(weighted.begin(), weighted.end());
    uint64_t total = 0;
    for (const auto& w : weighted) total += w.second;
    const double target = q * double(total);
    uint64_t seen = 0;
    for (const auto& [x, w] : weighted) {
      seen += w;
      if (double(seen) >= target) return x;
    }
    return weighted.back().first;
  }

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& k_& count_& flips_& levels_;
  }

 private:
  // Lower levels get geometrically smaller capacities (2/3 per level below the top), at least 8.
  size_t capacity(size_t level) const {
    const size_t depth = levels_.size() - 1 - level;
    return std::max<size_t>(8, size_t(std::ceil(k_ * std::pow(2.0 / 3.0, double(depth)))));
  }

  // Compacts the lowest full level until every level is within its capacity.
  void compress() {
    for (size_t h = 0; h < levels_.size(); ++h) {
      if (levels_[h].size() < capacity(h)) continue;
      if (h + 1 == levels_.size()) levels_.emplace_back();
      auto& level = levels_[h];
      std::sort(level.begin(), level.end());
      // An odd item stays; of the rest, the even or the odd positions move up, alternating so
      // that the errors cancel instead of piling up in one direction.
      const size_t pairs = level.size() / 2;
      const size_t offset = (flips_++) & 1;
      auto& up = levels_[h + 1];
      for (size_t i = 0; i < pairs; ++i) up.push_back(level[2 * i + offset]);
      const bool odd = level.size() % 2 == 1;
      const double last = odd ? level.back() : 0;
      level.clear();
      if (odd) level.push_back(last);
      h = size_t(-1);  // capacities changed if a level was added: start again from the bottom
    }
  }

  int k_;
  uint64_t count_ = 0;
  uint64_t flips_ = 0;
  std::vector<std::vector<double>> levels_;
};

}  // namespace reduce_events
