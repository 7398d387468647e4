// StatCounter: count, mean, variance, min and max of numbers, mergeable across partitions
// (Spark's org.apache.spark.util.StatCounter; parallel variance by Chan et al.).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>

namespace kiln {

class StatCounter {
 public:
  StatCounter& add(double x) {
    double delta = x - mu_;
    ++n_;
    mu_ += delta / double(n_);
    m2_ += delta * (x - mu_);
    max_ = std::max(max_, x);
    min_ = std::min(min_, x);
    return *this;
  }
  StatCounter& merge(const StatCounter& o) {
    if (o.n_ == 0) return *this;
    if (n_ == 0) return *this = o;
    double delta = o.mu_ - mu_;
    int64_t n = n_ + o.n_;
    mu_ = (o.n_ * 10 < n_)   ? mu_ + delta * double(o.n_) / double(n)
          : (n_ * 10 < o.n_) ? o.mu_ - delta * double(n_) / double(n)
                             : (mu_ * double(n_) + o.mu_ * double(o.n_)) / double(n);
    m2_ += o.m2_ + delta * delta * double(n_) * double(o.n_) / double(n);
    n_ = n;
    max_ = std::max(max_, o.max_);
    min_ = std::min(min_, o.min_);
    return *this;
  }

  int64_t count() const { return n_; }
  double sum() const { return double(n_) * mu_; }
  // NaN for no values.
  double mean() const { return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : mu_; }
  // Population variance (divides by n); NaN for no values.
  double variance() const {
    return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : m2_ / double(n_);
  }
  // Sample variance (divides by n - 1); NaN for fewer than two values.
  double sampleVariance() const {
    return n_ <= 1 ? std::numeric_limits<double>::quiet_NaN() : m2_ / double(n_ - 1);
  }
  double stdev() const { return std::sqrt(variance()); }
  double sampleStdev() const { return std::sqrt(sampleVariance()); }
  // -infinity / +infinity for no values, as Spark.
  double max() const { return max_; }
  double min() const { return min_; }

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& n_& mu_& m2_& max_& min_;
  }

 private:
  int64_t n_ = 0;
  double mu_ = 0;
  double m2_ = 0;
  double max_ = -std::numeric_limits<double>::infinity();
  double min_ = std::numeric_limits<double>::infinity();
};

inline std::ostream& operator<<(std::ostream& os, const StatCounter& s) {
  return os << "(count: " << s.count() << ", mean: " << s.mean() << ", stdev: " << s.stdev()
            << ", max: " << s.max() << ", min: " << s.min() << ")";
}

}  // namespace kiln
