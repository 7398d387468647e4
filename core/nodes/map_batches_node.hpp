// mapBatches: a function of consecutive runs of a partition's records, read in place. Unlike
// mapPartitions, the partition is never gathered into one vector: each block the parent pushes
// is handed over as it comes, so a function that packs records into a compact form (k-means'
// point blocks) costs no copy or allocation per record.
#pragma once

#include <algorithm>
#include <span>
#include <type_traits>

#include "../node.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class MapBatchesNode final : public OneParentNode<In, Out> {
 public:
  MapBatchesNode(NodePtr<In> parent, F f)
      : OneParentNode<In, Out>(std::move(parent), "mapBatches"), f_(std::move(f)) {}
  void doCompute(int p, BlockSink<Out>& out) const override {
    BlockBuilder<Out> builder(out);
    // Owned and cached blocks alike are only read, so a cached one is never copied.
    auto sink = makeReadingSink<In>([&](std::span<const In> block) {
      // Most parents push at most kBlockRecords; the rest are cut to that promise.
      for (size_t at = 0; at < block.size(); at += kBlockRecords)
        apply(block.subspan(at, std::min(kBlockRecords, block.size() - at)), builder);
    });
    this->parent_->compute(p, sink);
    builder.flush();
  }

 private:
  void apply(std::span<const In> batch, BlockBuilder<Out>& builder) const {
    using Result = std::invoke_result_t<const F&, std::span<const In>>;
    builder.template addAll<!std::is_reference_v<Result>>(f_(batch));
  }

  F f_;
};

}  // namespace kiln::detail
