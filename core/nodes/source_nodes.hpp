// RDDs with no parent: parallelize, range.
#pragma once

#include <memory>
#include <vector>

#include "../../sched/lineage_identity.hpp"
#include "../../sched/task_context.hpp"
#include "../node.hpp"
#include "../serialization/codec.hpp"

namespace kiln::detail {

// Spark's slicing: slice i of n over len elements is [i*len/n, (i+1)*len/n).
inline std::pair<int64_t, int64_t> sliceBounds(int64_t len, int slice, int numSlices) {
  auto at = [&](int i) { return int64_t((__int128(i) * len) / numSlices); };
  return {at(slice), at(slice + 1)};
}

template <class T>
class ParallelCollectionNode final : public Node<T> {
 public:
  ParallelCollectionNode(std::shared_ptr<sched::Runtime> rt,
                         std::shared_ptr<const std::vector<T>> data, int numSlices)
      : Node<T>(std::move(rt), numSlices, "parallelize"), data_(std::move(data)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  std::string identityParameters() const override {
    ByteBuffer bytes;
    for (const T& x : *data_) encode(bytes, x);
    return Node<T>::identityParameters() + "|" + std::to_string(data_->size()) + ":" +
           sched::hashHex(bytes.data(), bytes.size());
  }
  void doCompute(int p, BlockSink<T>& out) const override {
    auto [b, e] = sliceBounds(int64_t(data_->size()), p, this->numPartitions());
    std::vector<T> block;
    block.reserve(size_t(std::min<int64_t>(e - b, int64_t(kBlockRecords))));
    for (int64_t i = b; i < e;) {
      TaskContext::checkCancelled();
      int64_t n = std::min<int64_t>(e - i, int64_t(kBlockRecords));
      block.assign(data_->begin() + i, data_->begin() + i + n);
      out.push(std::span<T>(block));
      i += n;
    }
  }

 private:
  std::shared_ptr<const std::vector<T>> data_;
};

class RangeNode final : public Node<long> {
 public:
  RangeNode(std::shared_ptr<sched::Runtime> rt, long start, long end, long step, int numSlices)
      : Node<long>(std::move(rt), numSlices, "range"), start_(start), step_(step) {
    if (step == 0) throw Error("range: step must not be 0");
    __int128 span = __int128(end) - start;
    __int128 count =
        (span == 0 || (span > 0) != (step > 0)) ? 0 : (span + step - (step > 0 ? 1 : -1)) / step;
    if (count > INT64_MAX) throw Error("range: more than 2^63 - 1 elements");
    count_ = int64_t(count);
  }
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  std::string identityParameters() const override {
    return Node<long>::identityParameters() + "|" + std::to_string(start_) + ":" +
           std::to_string(step_) + ":" + std::to_string(count_);
  }
  void doCompute(int p, BlockSink<long>& out) const override {
    auto [b, e] = sliceBounds(count_, p, numPartitions());
    long block[kBlockRecords];
    for (int64_t i = b; i < e;) {
      TaskContext::checkCancelled();
      size_t n = size_t(std::min<int64_t>(e - i, int64_t(kBlockRecords)));
      for (size_t k = 0; k < n; ++k) block[k] = long(start_ + __int128(i + int64_t(k)) * step_);
      out.push(std::span<long>(block, n));
      i += int64_t(n);
    }
  }

 private:
  long start_;
  long step_;
  int64_t count_ = 0;
};

}  // namespace kiln::detail
