// How records flow through a fused chain of narrow operators: each operator pushes blocks of
// records to the next. One virtual call per block; the user's function is inlined per record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kiln::detail {

// Records per block: big enough to amortize the virtual call, small enough to stay in cache.
constexpr size_t kBlockRecords = 512;

// The borrowed form of a record: (std::string, V) pairs may travel as (std::string_view, V)
// pairs whose bytes belong to the producer (a line that kiln::split cut into words). Other
// records have none (an empty tag type stands in).
struct NoBorrowedForm {};
template <class T>
struct BorrowedForm {
  using type = NoBorrowedForm;
};
template <class V>
struct BorrowedForm<std::pair<std::string, V>> {
  using type = std::pair<std::string_view, V>;
};
template <class T>
using Borrowed = typename BorrowedForm<T>::type;
template <class T>
inline constexpr bool kHasBorrowedForm = !std::is_same_v<Borrowed<T>, NoBorrowedForm>;

template <class T>
class BlockSink {
 public:
  virtual ~BlockSink() = default;
  // The records are the callee's to read or move from; the caller reuses the storage after.
  virtual void push(std::span<T> block) = 0;
  // Records the caller keeps (a cached partition's): the callee may only read them. Sinks that
  // only read override this and skip the copy made here (a cached PageRank edge block is tens
  // of MB, read every iteration).
  virtual void pushShared(std::span<const T> block) {
    copy_.assign(block.begin(), block.end());
    push(std::span<T>(copy_));
  }
  // A hint, before the first block: about this many records will follow. A shuffle reader
  // knows it (fixed-size records); a consumer that gathers the whole partition sizes its
  // buffer once instead of doubling it, copying and faulting in each size on the way.
  virtual void expect(size_t /*records*/) {}
  // Whether this sink reads borrowed records without making T's of them: a producer that can
  // hand out views (kiln::split(line).pairedWith(v)) then skips a std::string per word. Asked
  // once per partition.
  virtual bool takesBorrowed() const { return false; }
  // Borrowed records, valid only during the call; their values are the callee's to move from.
  // Here they are made T's and pushed, for sinks that said no and are handed some anyway.
  virtual void pushBorrowed(std::span<Borrowed<T>> block) {
    if constexpr (kHasBorrowedForm<T>) {
      copy_.clear();
      for (auto& [key, value] : block) copy_.emplace_back(std::string(key), std::move(value));
      push(std::span<T>(copy_));
    }
  }

 private:
  std::vector<T> copy_;  // reused by pushShared: one allocation per sink, not per block
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

// A sink with a second function for shared (read-only) blocks.
template <class T, class Owned, class Shared>
class SharingFunctionSink final : public BlockSink<T> {
 public:
  SharingFunctionSink(Owned owned, Shared shared)
      : owned_(std::move(owned)), shared_(std::move(shared)) {}
  void push(std::span<T> block) override { owned_(block); }
  void pushShared(std::span<const T> block) override { shared_(block); }

 private:
  Owned owned_;
  Shared shared_;
};
template <class T, class Owned, class Shared>
SharingFunctionSink<T, Owned, Shared> makeSink(Owned owned, Shared shared) {
  return SharingFunctionSink<T, Owned, Shared>(std::move(owned), std::move(shared));
}
// A sink whose function takes owned and borrowed blocks alike (f is called with std::span<T>
// or std::span<Borrowed<T>>): map-side combining, which only hashes and compares keys.
template <class T, class F>
class BorrowingSink final : public BlockSink<T> {
  static_assert(kHasBorrowedForm<T>, "only (std::string, V) records have a borrowed form");

 public:
  explicit BorrowingSink(F f) : f_(std::move(f)) {}
  void push(std::span<T> block) override { f_(block); }
  bool takesBorrowed() const override { return true; }
  void pushBorrowed(std::span<Borrowed<T>> block) override { f_(block); }

 private:
  F f_;
};
template <class T, class F>
BorrowingSink<T, F> makeBorrowingSink(F f) {
  return BorrowingSink<T, F>(std::move(f));
}

// A sink that only reads its records, owned or shared: f takes std::span<const T>.
template <class T, class F>
class ReadingSink final : public BlockSink<T> {
 public:
  explicit ReadingSink(F f) : f_(std::move(f)) {}
  void push(std::span<T> block) override { f_(std::span<const T>(block)); }
  void pushShared(std::span<const T> block) override { f_(block); }

 private:
  F f_;
};
template <class T, class F>
ReadingSink<T, F> makeReadingSink(F f) {
  return ReadingSink<T, F>(std::move(f));
}

// Passes everything on to `out` (blocks, shared blocks, the size hint) and adds the records it
// passes to `count`: the task metrics' counters sit between operators without hiding from the
// consumer what its producer said.
template <class T>
class CountingSink final : public BlockSink<T> {
 public:
  CountingSink(BlockSink<T>& out, uint64_t& count) : out_(out), count_(count) {}
  void push(std::span<T> block) override {
    count_ += block.size();
    out_.push(block);
  }
  void pushShared(std::span<const T> block) override {
    count_ += block.size();
    out_.pushShared(block);
  }
  void expect(size_t records) override { out_.expect(records); }
  bool takesBorrowed() const override { return out_.takesBorrowed(); }
  void pushBorrowed(std::span<Borrowed<T>> block) override {
    count_ += block.size();
    out_.pushBorrowed(block);
  }

 private:
  BlockSink<T>& out_;
  uint64_t& count_;
};

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
  // Adds a record of an implicit-lifetime type (trivially copy-constructible and destructible,
  // as pairs of plain values are) by writing its bytes into the next slot: write(T*) fills
  // every field. Nothing is constructed first: making a std::pair value-initializes it, and
  // zeroing each 104-byte record before overwriting it took half of a shuffle read's time.
  template <class Write>
  void addWritten(Write&& write) {
    static_assert(std::is_trivially_copy_constructible_v<T> && std::is_trivially_destructible_v<T>,
                  "addWritten needs records that memory holds as plain bytes");
    write(data_ + size_);
    if (++size_ == kBlockRecords) flush();
  }
  // Adds every element of a range an operator's function returned. kOwned: the function
  // returned the range by value, so elements it holds are ours to move. Elements an iterator
  // makes (kiln::split's words) are constructed straight into the block.
  template <bool kOwned, class Range>
  void addAll(Range&& range) {
    for (auto it = std::begin(range); it != std::end(range); ++it) {
      if constexpr (kOwned && std::is_lvalue_reference_v<decltype(*it)>)
        add(std::move(*it));
      else
        addFrom([&]() -> decltype(auto) { return *it; });
    }
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
