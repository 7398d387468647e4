// Partitioners: which partition each key of a pair RDD belongs to (Spark's Partitioner).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <typeinfo>
#include <vector>

#include "../util/error.hpp"
#include "byte_keys.hpp"
#include "fast_modulo.hpp"
#include "hash.hpp"

namespace kiln {

// What every partitioner has, whatever its key type: a count, equality and a description.
class PartitionerBase {
 public:
  virtual ~PartitionerBase() = default;
  virtual int numPartitions() const = 0;
  // Two equal partitioners place every key in the same partition, so an RDD already
  // partitioned by one needs no shuffle to be partitioned by the other.
  virtual bool equals(const PartitionerBase& other) const = 0;
  virtual std::string describe() const = 0;
};

// Subclass this for your own partitioning: implement numPartitions, getPartition and equals.
template <class K>
class Partitioner : public PartitionerBase {
 public:
  virtual int getPartition(const K& key) const = 0;
  // Kiln asks for a whole block of keys at once: one virtual call per block. Kiln's own
  // partitioners override it with an inlined loop.
  virtual void getPartitions(std::span<const K* const> keys, int* out) const {
    for (size_t i = 0; i < keys.size(); ++i) out[i] = getPartition(*keys[i]);
  }
  std::string describe() const override {
    return "Partitioner(" + std::to_string(numPartitions()) + ")";
  }
};

namespace detail {
// The partitions a partitioner chose for n keys: each must lie in [0, numPartitions), or the
// task fails, naming the partitioner (a user's may be wrong).
inline void checkPartitions(const PartitionerBase& partitioner, const int* parts, size_t n) {
  const int r = partitioner.numPartitions();
  for (size_t i = 0; i < n; ++i)
    if (parts[i] < 0 || parts[i] >= r)
      throw Error("partitioner " + partitioner.describe() + " returned partition " +
                  std::to_string(parts[i]) + ", outside [0, " + std::to_string(r) + ")");
}
}  // namespace detail

// Spark's HashPartitioner: hash of the key modulo the partition count.
template <class K>
class HashPartitioner final : public Partitioner<K> {
 public:
  explicit HashPartitioner(int numPartitions) : modulo_(checked(numPartitions)) {}
  int numPartitions() const override { return int(modulo_.divisor()); }
  int getPartition(const K& key) const override { return int(modulo_(Hash<K>{}(key))); }
  void getPartitions(std::span<const K* const> keys, int* out) const override {
    for (size_t i = 0; i < keys.size(); ++i) out[i] = int(modulo_(Hash<K>{}(*keys[i])));
  }
  bool equals(const PartitionerBase& o) const override {
    auto* h = dynamic_cast<const HashPartitioner*>(&o);
    return h && h->numPartitions() == numPartitions();
  }
  std::string describe() const override {
    return "HashPartitioner(" + std::to_string(numPartitions()) + ")";
  }

 private:
  static uint32_t checked(int n) {
    if (n <= 0)
      throw Error("HashPartitioner: number of partitions (" + std::to_string(n) +
                  ") must be positive");
    return uint32_t(n);
  }

  detail::FastModulo modulo_;  // hashPartition's h % n, without a division per key
};

// Spark's RangePartitioner: partition i holds the keys in (bounds[i-1], bounds[i]], the last
// one the keys above every bound; reversed when descending. sortByKey computes the bounds by
// sampling its input.
template <class K, class Less = std::less<>>
class RangePartitioner final : public Partitioner<K> {
 public:
  RangePartitioner(std::vector<K> bounds, bool ascending = true, Less less = Less())
      : bounds_(std::move(bounds)), ascending_(ascending), less_(less) {
    if constexpr (detail::kIsByteKey<K, Less>)
      for (const K& b : bounds_) heads_.push_back(detail::byteKeyHead(b));
  }
  int numPartitions() const override { return int(bounds_.size()) + 1; }
  int getPartition(const K& key) const override {
    auto first = bounds_.begin(), last = bounds_.end();
    if constexpr (detail::kIsByteKey<K, Less>) {
      // Bounds whose head is below the key's are below it, above are above; only bounds with
      // the same head need their bytes compared (rare).
      const uint64_t h = detail::byteKeyHead(key);
      const size_t below = headsBelow(h);
      if (below == heads_.size() || heads_[below] != h)
        return ascending_ ? int(below) : int(bounds_.size() - below);
      first += ptrdiff_t(below);
      const auto equalEnd = std::upper_bound(heads_.begin() + ptrdiff_t(below), heads_.end(), h);
      last = bounds_.begin() + (equalEnd - heads_.begin());
    }
    int p = int(std::lower_bound(first, last, key, less_) - bounds_.begin());
    return ascending_ ? p : int(bounds_.size()) - p;
  }
  void getPartitions(std::span<const K* const> keys, int* out) const override {
    for (size_t i = 0; i < keys.size(); ++i) out[i] = RangePartitioner::getPartition(*keys[i]);
  }
  bool equals(const PartitionerBase& o) const override {
    auto* r = dynamic_cast<const RangePartitioner*>(&o);
    if (!r || r->ascending_ != ascending_ || r->bounds_.size() != bounds_.size()) return false;
    for (size_t i = 0; i < bounds_.size(); ++i)
      if (less_(bounds_[i], r->bounds_[i]) || less_(r->bounds_[i], bounds_[i])) return false;
    return true;
  }
  std::string describe() const override {
    return "RangePartitioner(" + std::to_string(numPartitions()) + ")";
  }
  const std::vector<K>& bounds() const { return bounds_; }

 private:
  // How many heads are below h, searched without branches: a random key's search mispredicted
  // about half its steps (TeraSort: 8 % of a sort's time).
  size_t headsBelow(uint64_t h) const {
    if (heads_.empty()) return 0;
    const uint64_t* at = heads_.data();
    for (size_t len = heads_.size(); len > 1;) {
      const size_t half = len / 2;
      at = at[half] < h ? at + half : at;
      len -= half;
    }
    return size_t(at - heads_.data()) + (*at < h);
  }

  std::vector<K> bounds_;
  std::vector<uint64_t> heads_;  // byte-string keys: each bound's byteKeyHead
  bool ascending_;
  Less less_;
};

// A partitioner from a function key -> partition (its result is taken modulo n). Two of them
// are equal only if they are the same object.
template <class K, class F>
class FunctionPartitioner final : public Partitioner<K> {
 public:
  FunctionPartitioner(int n, F f) : n_(n), f_(std::move(f)) {
    if (n_ <= 0) throw Error("partitioner: number of partitions must be positive");
  }
  int numPartitions() const override { return n_; }
  int getPartition(const K& key) const override {
    long p = long(f_(key)) % n_;
    return int(p < 0 ? p + n_ : p);
  }
  void getPartitions(std::span<const K* const> keys, int* out) const override {
    for (size_t i = 0; i < keys.size(); ++i) out[i] = FunctionPartitioner::getPartition(*keys[i]);
  }
  bool equals(const PartitionerBase& o) const override { return &o == this; }

 private:
  int n_;
  F f_;
};

template <class K>
std::shared_ptr<const Partitioner<K>> hashPartitioner(int n) {
  return std::make_shared<HashPartitioner<K>>(n);
}
template <class K, class F>
std::shared_ptr<const Partitioner<K>> makePartitioner(int n, F f) {
  return std::make_shared<FunctionPartitioner<K, F>>(n, std::move(f));
}

namespace detail {
inline bool samePartitioner(const PartitionerBase* a, const PartitionerBase* b) {
  return a && b && (a == b || a->equals(*b));
}
}  // namespace detail

}  // namespace kiln
