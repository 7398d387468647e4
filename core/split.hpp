// kiln::split(line): the words of a line, for flatMap, without allocating per line.
#pragma once

#include <cstdint>
#include <cstring>
#include <iterator>
#include <ranges>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kiln {

template <class V>
class SplitPairs;

// A lazy sequence of the maximal runs of non-whitespace in a line (the line must outlive it,
// as it does inside flatMap). Iterating yields std::string words; short words stay within the
// string's inline buffer, so no allocation happens per word. It is a view, so it composes with
// std::views. For (word, value) pairs use pairedWith(value), not a map after the split.
class SplitWords : public std::ranges::view_base {
 public:
  SplitWords() = default;
  explicit SplitWords(std::string_view line) : line_(line) {}

  // Words are found with bit operations on a whitespace mask of 64 bytes of the line at a time
  // (computed 16 bytes per instruction), not byte by byte: words are a few bytes long, so a
  // byte loop's branches cost more than the rest of splitting.
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::string_view line, size_t pos) : line_(line), pos_(pos) {
      if (pos_ < line_.size()) {
        loadWindow(pos_);
        findWord(pos_);
      }
    }
    std::string operator*() const { return std::string(word()); }
    // The current word's bytes, within the line.
    std::string_view word() const { return std::string_view(line_.data() + pos_, len_); }
    iterator& operator++() {
      findWord(pos_ + len_);
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& o) const { return pos_ == o.pos_; }

   private:
    static constexpr size_t kWindow = 64;
    static bool space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

    // Bit i: p[i] is whitespace, for the 16 bytes at p.
    static uint64_t chunkMask(const char* p) {
#if defined(__SSE2__)
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // '\t'..'\r' are the bytes whose distance above '\t', unsigned, is at most 4.
      const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('\t'));
      const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8('\r' - '\t')), d);
      const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), control);
      return uint32_t(_mm_movemask_epi8(hit)) & 0xffff;
#else
      uint64_t mask = 0;
      for (size_t i = 0; i < 16; ++i) mask |= uint64_t(space(p[i])) << i;
      return mask;
#endif
    }
    // Makes spaces_ describe line_[from, from + 64). Loads stay within the line: its last
    // partial chunk is read as the 16 bytes ending at the line's end. Bytes past the line count
    // as whitespace, so a word's end is always found in the window.
    void loadWindow(size_t from) {
      base_ = from;
      const char* p = line_.data() + from;
      const size_t left = line_.size() - from;
      uint64_t mask = 0;
      size_t i = 0;
      for (; i < kWindow && i + 16 <= left; i += 16) mask |= chunkMask(p + i) << i;
      if (i < kWindow && i < left) {
        const size_t rest = left - i;  // 1 to 15 bytes
        if (line_.size() >= 16) {
          mask |= (chunkMask(line_.data() + line_.size() - 16) >> (16 - rest)) << i;
        } else {
          for (size_t j = 0; j < rest; ++j) mask |= uint64_t(space(p[i + j])) << (i + j);
        }
      }
      if (left < kWindow) mask |= ~0ULL << left;
      spaces_ = mask;
    }
    // Finds the first word at or after `from`; at the end, pos_ becomes the line's size.
    void findWord(size_t from) {
      const size_t size = line_.size();
      size_t p = from;
      for (;;) {  // skip whitespace
        if (p >= size) {
          pos_ = size;
          len_ = 0;
          return;
        }
        if (p >= base_ + kWindow) loadWindow(p);
        const uint64_t letters = ~spaces_ >> (p - base_);
        if (letters) {
          p += size_t(__builtin_ctzll(letters));
          break;
        }
        p = base_ + kWindow;
      }
      pos_ = p;
      for (;;) {  // find the word's end (the padding past the line is whitespace)
        if (p >= base_ + kWindow) loadWindow(p);
        const uint64_t blanks = spaces_ >> (p - base_);
        if (blanks) {
          p += size_t(__builtin_ctzll(blanks));
          break;
        }
        p = base_ + kWindow;
      }
      len_ = p - pos_;
    }

    std::string_view line_;
    size_t pos_ = 0;
    size_t len_ = 0;
    size_t base_ = 0;      // the window spaces_ describes starts here
    uint64_t spaces_ = 0;  // bit i: line_[base_ + i] is whitespace (or past the line's end)
  };
  iterator begin() const { return iterator(line_, 0); }
  iterator end() const { return iterator(line_, line_.size()); }
  // The bytes the words are cut from.
  std::string_view line() const { return line_; }

  // The words as (word, value) pairs, each word's string made once, inside its pair:
  //   lines.flatMap([](const std::string& l) { return kiln::split(l).pairedWith(1L); })
  // A map(w -> (w, 1)) after the split makes every word twice (moving a short string copies
  // it), and that second copy took a fifth of a word count's time.
  template <class V>
  SplitPairs<V> pairedWith(V value) const {
    return SplitPairs<V>(*this, std::move(value));
  }

 private:
  std::string_view line_;
};

// split(line).pairedWith(value): a view of (word, value) pairs.
template <class V>
class SplitPairs : public std::ranges::view_base {
 public:
  SplitPairs() = default;
  SplitPairs(SplitWords words, V value) : words_(words), value_(std::move(value)) {}

  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = std::pair<std::string, V>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(SplitWords::iterator word, const SplitPairs* owner) : word_(word), owner_(owner) {}
    value_type operator*() const {
      const std::string_view w = word_.word();
      return value_type(std::piecewise_construct, std::forward_as_tuple(w.data(), w.size()),
                        std::forward_as_tuple(owner_->value_));
    }
    iterator& operator++() {
      ++word_;
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& o) const { return word_ == o.word_; }

   private:
    SplitWords::iterator word_;
    const SplitPairs* owner_ = nullptr;  // as a transform_view's iterator, it points at its view
  };
  iterator begin() const { return iterator(words_.begin(), this); }
  iterator end() const { return iterator(words_.end(), this); }
  // For consumers that take the words as views (flatMap into map-side combining).
  const SplitWords& words() const { return words_; }
  const V& value() const { return value_; }

 private:
  SplitWords words_;
  V value_{};
};

namespace detail {
template <class R>
inline constexpr bool kIsSplitPairs = false;
template <class V>
inline constexpr bool kIsSplitPairs<SplitPairs<V>> = true;
}  // namespace detail

inline SplitWords split(std::string_view line) { return SplitWords(line); }

}  // namespace kiln
