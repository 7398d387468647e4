// Definitions of RDD's numeric actions and tree aggregation (declared and documented in rdd.hpp).
#pragma once

#include <cmath>

#include "rdd.hpp"

namespace kiln {

#define KILN_REQUIRE_NUMBERS(op)         \
  static_assert(std::is_arithmetic_v<T>, \
                "kiln: " op " needs an RDD of numbers (int, long, double, ...)")

template <class T>
auto RDD<T>::sum() const {
  KILN_REQUIRE_NUMBERS("sum");
  using S = std::conditional_t<std::is_integral_v<T>, long, double>;
  return aggregate(
      S(0), [](S a, T x) { return S(a + x); }, std::plus<>());
}

template <class T>
StatCounter RDD<T>::stats() const {
  KILN_REQUIRE_NUMBERS("stats");
  return aggregate(
      StatCounter(), [](StatCounter s, T x) { return s.add(double(x)); },
      [](StatCounter a, const StatCounter& b) { return a.merge(b); });
}

template <class T>
template <class Comp>
T RDD<T>::max(Comp comp) const {
  if (isEmpty()) throw Error("max: the RDD is empty");
  return reduce([comp](const T& a, const T& b) { return comp(a, b) ? b : a; });
}

template <class T>
template <class Comp>
T RDD<T>::min(Comp comp) const {
  if (isEmpty()) throw Error("min: the RDD is empty");
  return reduce([comp](const T& a, const T& b) { return comp(b, a) ? b : a; });
}

template <class T>
std::pair<std::vector<double>, std::vector<long>> RDD<T>::histogram(int bucketCount) const {
  KILN_REQUIRE_NUMBERS("histogram");
  if (bucketCount < 1) throw Error("histogram: the number of buckets must be at least 1");
  StatCounter s = stats();
  if (s.count() == 0 || !std::isfinite(s.max()) || !std::isfinite(s.min()) || std::isnan(s.mean()))
    throw Error("histogram: the RDD is empty or holds NaN or infinite values");
  double lo = s.min(), hi = s.max();
  std::vector<double> bounds;
  if (lo == hi || bucketCount == 1) return {{lo, hi}, {long(s.count())}};  // one bucket, all of it
  {
    for (int i = 0; i < bucketCount; ++i) bounds.push_back(lo + (hi - lo) * i / bucketCount);
    bounds.push_back(hi);  // exactly the maximum, whatever the rounding
  }
  return {bounds, histogram(bounds)};
}

template <class T>
std::vector<long> RDD<T>::histogram(const std::vector<double>& buckets) const {
  KILN_REQUIRE_NUMBERS("histogram");
  if (buckets.size() < 2) throw Error("histogram: buckets must have at least two boundaries");
  for (size_t i = 1; i < buckets.size(); ++i)
    if (!(buckets[i - 1] < buckets[i]))
      throw Error("histogram: bucket boundaries must be increasing, without duplicates or NaN");
  const size_t n = buckets.size() - 1;
  // Evenly spaced buckets are found arithmetically, others by binary search (as Spark).
  const double width = (buckets.back() - buckets.front()) / double(n);
  bool even = true;
  for (size_t i = 0; i <= n && even; ++i)
    even = std::abs(buckets[i] - (buckets.front() + width * double(i))) <=
           1e-10 * std::max(1.0, std::abs(buckets[i]));
  auto node = node_;
  auto results = runJob(allPartitions(), [node, buckets, n, even, width](int p) {
    std::vector<int64_t> counts(n, 0);
    auto sink = detail::makeSink<T>([&](std::span<T> block) {
      for (T raw : block) {
        double x = double(raw);
        if (!(x >= buckets.front() && x <= buckets.back())) continue;  // outside, or NaN
        size_t b;
        if (x == buckets.back()) {
          b = n - 1;  // the last bucket is closed on the right
        } else if (even) {
          b = std::min(n - 1, size_t((x - buckets.front()) / width));
          if (x < buckets[b])
            --b;  // rounding at a boundary
          else if (b + 1 < n && x >= buckets[b + 1])
            ++b;
        } else {
          b = size_t(std::upper_bound(buckets.begin(), buckets.end(), x) - buckets.begin()) - 1;
        }
        ++counts[b];
      }
    });
    node->compute(p, sink);
    ByteBuffer out;
    encode(out, counts);
    return out;
  });
  std::vector<long> total(n, 0);
  for (const auto& r : results) {
    ByteReader in(r.span());
    auto counts = decode<std::vector<int64_t>>(in);
    for (size_t i = 0; i < n; ++i) total[i] += long(counts[i]);
  }
  return total;
}

template <class T>
template <class U, class Seq, class Comb>
U RDD<T>::treeAggregate(U zeroValue, Seq seqOp, Comb combOp, int depth) const {
  if (depth < 1)
    throw Error("treeAggregate: depth must be at least 1 (got " + std::to_string(depth) + ")");
  if (getNumPartitions() == 0) return zeroValue;
  // One partial result per partition, then levels that each merge `scale` partials into one
  // through a shuffle, until few enough remain for the final merge (Spark's algorithm).
  auto partial = mapPartitions([zeroValue, seqOp](std::vector<T>& part) {
    U acc = zeroValue;
    for (T& x : part) acc = seqOp(std::move(acc), x);
    return std::vector<U>{std::move(acc)};
  });
  int numPartitions = partial.getNumPartitions();
  const int scale = std::max(int(std::ceil(std::pow(double(numPartitions), 1.0 / depth))), 2);
  while (numPartitions > scale + int(std::ceil(double(numPartitions) / scale))) {
    numPartitions /= scale;
    const int cur = numPartitions;
    partial =
        partial
            .mapPartitionsWithIndex([cur](int i, std::vector<U>& part) {
              std::vector<std::pair<int, U>> out;
              for (U& u : part) out.emplace_back(i % cur, std::move(u));
              return out;
            })
            .foldByKey(
                zeroValue, [combOp](U a, U b) { return U(combOp(std::move(a), std::move(b))); },
                hashPartitioner<int>(cur))
            .values();
  }
  return partial.fold(zeroValue,
                      [combOp](U a, const U& b) { return U(combOp(std::move(a), U(b))); });
}

template <class T>
template <class F>
T RDD<T>::treeReduce(F f, int depth) const {
  using Opt = std::optional<T>;
  auto merged = treeAggregate(
      Opt(), [f](Opt acc, const T& x) { return acc ? Opt(f(std::move(*acc), x)) : Opt(x); },
      [f](Opt a, Opt b) { return !a   ? b
                                 : !b ? a
                                      : Opt(f(std::move(*a), std::move(*b))); }, depth);
  if (!merged) throw Error("treeReduce: the RDD is empty");
  return std::move(*merged);
}

}  // namespace kiln
