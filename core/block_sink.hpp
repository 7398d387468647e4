// How records flow through a fused chain of narrow operators: each operator pushes blocks of
// records to the next. One virtual call per block; the user's function is inlined per record.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kiln::detail {

// Records per block: big enough to amortize the virtual call, small enough to stay in cache.
constexpr size_t kBlockRecords = 512;

template <class T>
class BlockSink {
 public:
  virtual ~BlockSink() = default;
  // The records are the callee's to read or move from; the caller reuses the storage after.
  virtual void push(std::span<T> block) = 0;
};

// A sink that hands each block to a function (the operators' and actions' building block).
template <class T, class F>
class FunctionSink final : public BlockSink<T> {
 public:
  explicit FunctionSink(F f) : f_(std::move(f)) {}
  void push(std::span<T> block) override { f_(block); }

 private:
  F f_;
};
template <class T, class F>
FunctionSink<T, F> makeSink(F f) {
  return FunctionSink<T, F>(std::move(f));
}

// Collects records produced one at a time and pushes them downstream a block at a time.
template <class T>
class BlockBuilder {
 public:
  explicit BlockBuilder(BlockSink<T>& out) : out_(out) { buf_.reserve(kBlockRecords); }
  template <class U>
  void add(U&& v) {
    buf_.emplace_back(std::forward<U>(v));
    if (buf_.size() == kBlockRecords) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    out_.push(std::span<T>(buf_));
    buf_.clear();
  }

 private:
  BlockSink<T>& out_;
  std::vector<T> buf_;
};

}  // namespace kiln::detail
