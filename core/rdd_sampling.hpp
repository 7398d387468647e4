// Definitions of sample, randomSplit and takeSample (declared and documented in rdd.hpp).
// Randomness is seeded per partition (seed, partition index), so results depend on the seed
// and the data, never on which rank computed what.
#pragma once

#include <algorithm>
#include <cmath>

#include "nodes/map_partitions_node.hpp"
#include "range_bounds.hpp"
#include "rdd.hpp"

namespace kiln {

namespace detail {
inline SplitMix64 partitionRng(uint64_t seed, int partition) {
  SplitMix64 mix(seed ^ (0x9e3779b97f4a7c15ULL * uint64_t(partition + 1)));
  return SplitMix64(mix.next());
}
// Knuth's method: fine for the small means sampling uses.
inline int poisson(SplitMix64& rng, double mean) {
  double limit = std::exp(-mean), p = 1;
  int k = 0;
  do {
    ++k;
    p *= rng.uniform();
  } while (p > limit);
  return k - 1;
}
}  // namespace detail

template <class T>
RDD<T> RDD<T>::sample(bool withReplacement, double fraction, uint64_t seed) const {
  if (!(fraction >= 0) || (!withReplacement && fraction > 1))
    throw Error("sample: fraction must be in [0, 1] without replacement, >= 0 with it (got " +
                std::to_string(fraction) + ")");
  auto pick = [withReplacement, fraction, seed](int p, std::vector<T>& part) {
    auto rng = detail::partitionRng(seed, p);
    std::vector<T> out;
    for (T& x : part) {
      if (withReplacement) {
        for (int k = detail::poisson(rng, fraction); k > 0; --k) out.push_back(x);
      } else if (rng.uniform() < fraction) {
        out.push_back(std::move(x));
      }
    }
    return out;
  };
  return RDD<T>(std::make_shared<detail::MapPartitionsNode<T, T, decltype(pick)>>(node_, pick,
                                                                                  "sample", true));
}

template <class T>
std::vector<RDD<T>> RDD<T>::randomSplit(const std::vector<double>& weights, uint64_t seed) const {
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0)) throw Error("randomSplit: weights must be non-negative");
    total += w;
  }
  if (!(total > 0)) throw Error("randomSplit: the sum of the weights must be positive");
  std::vector<RDD<T>> splits;
  double lower = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double upper = lower + weights[i] / total;
    // Every split draws the same number per record, so the splits partition the records.
    auto keep = [lower, upper, seed, last = i + 1 == weights.size()](int p, std::vector<T>& part) {
      auto rng = detail::partitionRng(seed, p);
      std::vector<T> out;
      for (T& x : part) {
        double u = rng.uniform();
        if (u >= lower && (u < upper || last)) out.push_back(std::move(x));
      }
      return out;
    };
    splits.emplace_back(std::make_shared<detail::MapPartitionsNode<T, T, decltype(keep)>>(
        node_, keep, "randomSplit", true));
    lower = upper;
  }
  return splits;
}

template <class T>
std::vector<T> RDD<T>::takeSample(bool withReplacement, long num, uint64_t seed) const {
  if (num < 0) throw Error("takeSample: num must be non-negative");
  if (num == 0) return {};
  const long total = count();
  if (total == 0) return {};
  detail::SplitMix64 rng(seed);
  auto shuffleAndTake = [&](std::vector<T> v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.next() % i]);
    if (long(v.size()) > num) v.resize(size_t(num));
    return v;
  };
  if (!withReplacement && num >= total) return shuffleAndTake(collect());
  // Spark's computeFractionForSampleSize: oversample so one pass almost always suffices.
  double f = double(num) / double(total), fraction;
  if (withReplacement) {
    fraction = std::max(f + (num < 12 ? 9 : 5) * std::sqrt(f / double(total)), 1e-10);
  } else {
    double gamma = -std::log(1e-4) / double(total);
    fraction = std::min(1.0, std::max(1e-10, f + gamma + std::sqrt(gamma * gamma + 2 * gamma * f)));
  }
  auto picked = sample(withReplacement, fraction, rng.next()).collect();
  while (long(picked.size()) < num)
    picked = sample(withReplacement, fraction, rng.next()).collect();
  return shuffleAndTake(std::move(picked));
}

}  // namespace kiln
