// Sorts each partition of a pair RDD by key (stable: equal keys keep their order), spilling
// sorted runs past the task's memory share.
#pragma once

#include <algorithm>
#include <vector>

#include "../external_sorter.hpp"
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
    ExternalSorter<KV, FirstOf, Less> sorter(this->runtime(), ascending_, less_);
    SorterSink sink(sorter);
    this->parent_->compute(p, sink);
    sorter.emitTo(out);
  }

 private:
  // Feeds the sorter, passing on how many records to expect (a shuffle knows).
  class SorterSink final : public BlockSink<KV> {
   public:
    explicit SorterSink(ExternalSorter<KV, FirstOf, Less>& sorter) : sorter_(sorter) {}
    void push(std::span<KV> block) override { sorter_.insertBlock(block); }
    void expect(size_t records) override { sorter_.expect(records); }

   private:
    ExternalSorter<KV, FirstOf, Less>& sorter_;
  };

  bool ascending_;
  Less less_;
};

}  // namespace kiln::detail
