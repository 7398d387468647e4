// Range bounds for sortByKey: sample each partition, weight each sampled key by how many
// records it stands for, and cut the weighted, sorted sample into equal shares (Spark's
// RangePartitioner.determineBounds).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace kiln::detail {

// A small, fast random generator (splitmix64): deterministic per seed on every rank.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : x_(seed) {}
  uint64_t next() {
    uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return double(next() >> 11) / double(uint64_t(1) << 53); }

 private:
  uint64_t x_;
};

template <class K>
struct WeightedKey {
  K key;
  double weight;
};

template <class K, class Less>
std::vector<K> determineBounds(std::vector<WeightedKey<K>> candidates, int partitions, Less less) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const auto& a, const auto& b) { return less(a.key, b.key); });
  double total = 0;
  for (const auto& c : candidates) total += c.weight;
  std::vector<K> bounds;
  if (partitions <= 1 || candidates.empty()) return bounds;
  double step = total / partitions, cumulative = 0, target = step;
  for (const auto& c : candidates) {
    cumulative += c.weight;
    if (cumulative < target) continue;
    // Bounds are distinct and increasing.
    if (bounds.empty() || less(bounds.back(), c.key)) {
      bounds.push_back(c.key);
      target += step;
      if (int(bounds.size()) == partitions - 1) break;
    }
  }
  return bounds;
}

}  // namespace kiln::detail
