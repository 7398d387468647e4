// Sorts each partition of a pair RDD by key (stable: equal keys keep their order).
#pragma once

#include <algorithm>
#include <vector>

#include "../node.hpp"

namespace kiln::detail {

template <class K, class V, class Less>
class SortWithinPartitionsNode final : public OneParentNode<std::pair<K, V>, std::pair<K, V>> {
  using KV = std::pair<K, V>;

 public:
  SortWithinPartitionsNode(NodePtr<KV> parent, bool ascending, Less less)
      : OneParentNode<KV, KV>(std::move(parent), "sortWithinPartitions", true),
        ascending_(ascending),
        less_(std::move(less)) {}
  std::string identityParameters() const override {
    return Node<KV>::identityParameters() + (ascending_ ? "|asc" : "|desc");
  }
  void doCompute(int p, BlockSink<KV>& out) const override {
    std::vector<KV> records;
    auto sink = makeSink<KV>([&](std::span<KV> block) {
      for (KV& kv : block) records.push_back(std::move(kv));
    });
    this->parent_->compute(p, sink);
    if (ascending_)
      std::stable_sort(records.begin(), records.end(),
                       [&](const KV& a, const KV& b) { return less_(a.first, b.first); });
    else
      std::stable_sort(records.begin(), records.end(),
                       [&](const KV& a, const KV& b) { return less_(b.first, a.first); });
    for (size_t i = 0; i < records.size(); i += kBlockRecords)
      out.push(std::span<KV>(records.data() + i, std::min(kBlockRecords, records.size() - i)));
  }

 private:
  bool ascending_;
  Less less_;
};

}  // namespace kiln::detail
