// kiln::split(line): the words of a line, for flatMap, without allocating per line.
#pragma once

#include <iterator>
#include <ranges>
#include <string>
#include <string_view>

namespace kiln {

// A lazy sequence of the maximal runs of non-whitespace in a line (the line must outlive it,
// as it does inside flatMap). Iterating yields std::string words; short words stay within the
// string's inline buffer, so no allocation happens per word. It is a view, so it composes:
//   kiln::split(line) | std::views::transform([](std::string w) { return std::pair(w, 1L); })
// makes each pair straight from the word, with no separate map pass.
class SplitWords : public std::ranges::view_base {
 public:
  SplitWords() = default;
  explicit SplitWords(std::string_view line) : line_(line) {}
  class iterator {
   public:
    using iterator_concept = std::input_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::string_view line, size_t pos) : line_(line), pos_(pos) { findWord(); }
    std::string operator*() const { return std::string(line_.substr(pos_, len_)); }
    iterator& operator++() {
      pos_ += len_;
      findWord();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& o) const { return pos_ == o.pos_; }

   private:
    static bool space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
    void findWord() {
      while (pos_ < line_.size() && space(line_[pos_])) ++pos_;
      len_ = 0;
      while (pos_ + len_ < line_.size() && !space(line_[pos_ + len_])) ++len_;
    }
    std::string_view line_;
    size_t pos_ = 0;
    size_t len_ = 0;
  };
  iterator begin() const { return iterator(line_, 0); }
  iterator end() const { return iterator(line_, line_.size()); }

 private:
  std::string_view line_;
};

inline SplitWords split(std::string_view line) { return SplitWords(line); }

}  // namespace kiln
