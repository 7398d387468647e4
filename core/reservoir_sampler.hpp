// A uniform sample of k keys from a stream of unknown length, for sortByKey's range bounds.
// Li's Algorithm L: once k keys are held, the gap to the next key taken is drawn directly, so
// random numbers are drawn about k * ln(n / k) times instead of once per record, and a
// record that is not taken costs one comparison.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "range_bounds.hpp"

namespace kiln::detail {

template <class K>
class ReservoirSampler {
 public:
  ReservoirSampler(size_t k, uint64_t seed) : k_(k), rng_(seed) {}

  void offer(const K& key) {
    ++seen_;
    if (sample_.size() < k_) {
      sample_.push_back(key);
      if (sample_.size() == k_) {
        weight_ = std::exp(std::log(open01()) / double(k_));
        scheduleNext();
      }
    } else if (seen_ == next_) {
      sample_[rng_.next() % k_] = key;
      weight_ *= std::exp(std::log(open01()) / double(k_));
      scheduleNext();
    }
  }
  int64_t seen() const { return seen_; }
  const std::vector<K>& sample() const { return sample_; }

 private:
  double open01() { return (double(rng_.next() >> 11) + 0.5) / double(uint64_t(1) << 53); }
  void scheduleNext() {
    const double gap = std::floor(std::log(open01()) / std::log1p(-weight_));
    next_ = gap < 1e18 ? seen_ + int64_t(gap) + 1 : INT64_MAX;  // a weight near 0: no more
  }

  size_t k_;
  SplitMix64 rng_;
  std::vector<K> sample_;
  int64_t seen_ = 0, next_ = 0;
  double weight_ = 0;
};

}  // namespace kiln::detail
