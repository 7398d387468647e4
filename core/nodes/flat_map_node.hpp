// flatMap: each input record becomes any number of output records.
#pragma once

#include <cstdint>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../node.hpp"
#include "../split.hpp"

namespace kiln::detail {

template <class In, class Out, class F>
class FlatMapNode final : public OneParentNode<In, Out> {
 public:
  FlatMapNode(NodePtr<In> parent, F f, std::string name = "flatMap",
              bool preservesPartitioning = false)
      : OneParentNode<In, Out>(std::move(parent), std::move(name), preservesPartitioning),
        f_(std::move(f)) {}
  void doCompute(int p, BlockSink<Out>& out) const override {
    if constexpr (kSplitsIntoPairs) {
      if (out.takesBorrowed()) return computeBorrowed(p, out);
    }
    BlockBuilder<Out> builder(out);
    auto owned = [&](std::span<In> block) {
      for (In& x : block) expand<In&>(x, builder);
    };
    if constexpr (std::is_invocable_v<const F&, const In&>) {
      // A function that can read a const record reads a cached one in place.
      auto sink = makeSink<In>(owned, [&](std::span<const In> block) {
        for (const In& x : block) expand<const In&>(x, builder);
      });
      this->parent_->compute(p, sink);
    } else {
      auto sink = makeSink<In>(owned);
      this->parent_->compute(p, sink);
    }
    builder.flush();
  }

 private:
  template <class Arg>
  void expand(Arg x, BlockBuilder<Out>& builder) const {
    builder.template addAll<!std::is_reference_v<std::invoke_result_t<const F&, Arg>>>(f_(x));
  }

  // Whether f is kiln::split(line).pairedWith(v): its words can be handed on as views.
  static constexpr bool splitsIntoPairs() {
    if constexpr (std::is_invocable_v<const F&, const In&>) {
      using R = std::remove_cvref_t<std::invoke_result_t<const F&, const In&>>;
      if constexpr (kIsSplitPairs<R>) return std::is_same_v<Out, std::ranges::range_value_t<R>>;
    }
    return false;
  }
  static constexpr bool kSplitsIntoPairs = splitsIntoPairs();

  // (word view, v) pairs for a consumer that takes borrowed records (map-side combining): no
  // std::string per word. The views point into the parent's block of lines, so what is
  // gathered goes on before that block does.
  void computeBorrowed(int p, BlockSink<Out>& out) const {
    std::vector<Borrowed<Out>> block;
    block.reserve(kBlockRecords);
    auto expandLines = [&](std::span<const In> lines) {
      for (const In& line : lines) expandBorrowed(f_(line), line, block, out);
      flushBorrowed(block, out);
    };
    auto sink = makeSink<In>([&](std::span<In> lines) { expandLines(lines); }, expandLines);
    this->parent_->compute(p, sink);
  }
  // Called within the full-expression that called f, so words cut from a copy f took by value
  // are still there (the Itanium ABI ends a parameter's life with the full-expression, which
  // the owned path relies on too). Words that are not inside the record's own line go on at
  // once.
  template <class Pairs>
  static void expandBorrowed(const Pairs& pairs, const In& line, std::vector<Borrowed<Out>>& block,
                             BlockSink<Out>& out) {
    const SplitWords& words = pairs.words();
    for (auto it = words.begin(), end = words.end(); it != end; ++it) {
      block.emplace_back(it.word(), pairs.value());
      if (block.size() == kBlockRecords) flushBorrowed(block, out);
    }
    if (!withinLine(words.line(), line)) flushBorrowed(block, out);
  }
  static bool withinLine(std::string_view cut, const In& line) {
    if constexpr (std::is_convertible_v<const In&, std::string_view>) {
      const std::string_view own(line);
      // Compared as addresses: the views may point anywhere.
      const auto at = reinterpret_cast<uintptr_t>(cut.data()),
                 begin = reinterpret_cast<uintptr_t>(own.data());
      return at >= begin && at + cut.size() <= begin + own.size();
    } else {
      return false;  // words of some member of the record: no telling where they live
    }
  }
  static void flushBorrowed(std::vector<Borrowed<Out>>& block, BlockSink<Out>& out) {
    if (block.empty()) return;
    out.pushBorrowed(block);
    block.clear();
  }

  F f_;
};

}  // namespace kiln::detail
