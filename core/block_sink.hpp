// How records flow through a fused chain of narrow operators: each operator pushes blocks of
// records to the next. One virtual call per block; the user's function is inlined per record.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
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
// Records are constructed in raw storage, so addFrom() builds one straight from an operator's
// returned value (guaranteed copy elision): no move per record into the block.
template <class T>
class BlockBuilder {
 public:
  explicit BlockBuilder(BlockSink<T>& out)
      : out_(out),
        data_(static_cast<T*>(
            ::operator new(sizeof(T) * kBlockRecords, std::align_val_t(alignof(T))))) {}
  ~BlockBuilder() {
    std::destroy_n(data_, size_);
    ::operator delete(data_, std::align_val_t(alignof(T)));
  }
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  template <class U>
  void add(U&& v) {
    ::new (static_cast<void*>(data_ + size_)) T(std::forward<U>(v));
    if (++size_ == kBlockRecords) flush();
  }
  // Adds the record make() returns, constructed in place.
  template <class Make>
  void addFrom(Make&& make) {
    ::new (static_cast<void*>(data_ + size_)) T(make());
    if (++size_ == kBlockRecords) flush();
  }
  void flush() {
    if (size_ == 0) return;
    out_.push(std::span<T>(data_, size_));
    std::destroy_n(data_, size_);
    size_ = 0;
  }

 private:
  BlockSink<T>& out_;
  T* data_;
  size_t size_ = 0;
};

}  // namespace kiln::detail
