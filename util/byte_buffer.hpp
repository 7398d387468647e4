// Growable byte buffer and a bounds-checked reader: the wire format of everything Kiln moves.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>

#include "error.hpp"

namespace kiln {

// A malloc-backed byte vector. Unlike std::vector<std::byte> it never zero-fills on growth,
// which matters when shuffles append gigabytes record by record.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t size) { resize(size); }
  ByteBuffer(const ByteBuffer& o) { append(o.data(), o.size()); }
  ByteBuffer(ByteBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        cap_(std::exchange(o.cap_, 0)) {}
  ByteBuffer& operator=(ByteBuffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
    return *this;
  }
  ~ByteBuffer() { std::free(data_); }

  std::byte* data() { return data_; }
  const std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

  void reserve(size_t cap) {
    if (cap <= cap_) return;
    void* p = std::realloc(data_, cap);
    if (!p) throw std::bad_alloc();
    data_ = static_cast<std::byte*>(p);
    cap_ = cap;
  }
  // Gives back capacity beyond the size (realloc: usually without copying).
  void shrinkToFit() {
    if (cap_ == size_) return;
    if (size_ == 0) {
      std::free(std::exchange(data_, nullptr));
      cap_ = 0;
      return;
    }
    if (void* p = std::realloc(data_, size_)) {
      data_ = static_cast<std::byte*>(p);
      cap_ = size_;
    }
  }
  void resize(size_t size) {
    if (size > cap_) reserve(std::max(size, cap_ * 2));
    size_ = size;
  }
  // Returns a pointer to n fresh bytes at the end.
  std::byte* grow(size_t n) {
    if (size_ + n > cap_) reserve(std::max(size_ + n, cap_ * 2 + 64));
    std::byte* p = data_ + size_;
    size_ += n;
    return p;
  }
  void append(const void* src, size_t n) {
    if (n) std::memcpy(grow(n), src, n);
  }
  template <class T>
  void put(const T& v) {
    append(&v, sizeof(T));
  }
  // LEB128 variable-length unsigned integer: lengths are mostly tiny.
  void putVarint(uint64_t v) {
    std::byte* p = grow(10);
    size_t n = 0;
    while (v >= 0x80) {
      p[n++] = std::byte((v & 0x7f) | 0x80);
      v >>= 7;
    }
    p[n++] = std::byte(v);
    size_ -= 10 - n;
  }
  void putString(std::string_view s) {
    putVarint(s.size());
    append(s.data(), s.size());
  }
  std::span<const std::byte> span() const { return {data_, size_}; }

 private:
  std::byte* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// Reads what a ByteBuffer wrote. Running past the end is a corrupt-data error, not UB.
class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const std::byte> s) : p_(s.data()), end_(s.data() + s.size()) {}
  bool atEnd() const { return p_ == end_; }
  size_t remaining() const { return size_t(end_ - p_); }
  const std::byte* take(size_t n) {
    if (n > remaining()) throw Error("corrupt data: record runs past the end of its buffer");
    const std::byte* q = p_;
    p_ += n;
    return q;
  }
  void read(void* dst, size_t n) {
    if (n) std::memcpy(dst, take(n), n);
  }
  template <class T>
  T get() {
    T v;
    read(&v, sizeof(T));
    return v;
  }
  uint64_t getVarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) throw Error("corrupt data: truncated length");
      auto b = uint8_t(*p_++);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw Error("corrupt data: bad length");
  }
  std::string_view getString() {
    size_t n = getVarint();
    return {reinterpret_cast<const char*>(take(n)), n};
  }

 private:
  const std::byte* p_ = nullptr;
  const std::byte* end_ = nullptr;
};

}  // namespace kiln
