// Single-threaded word count, no framework: the COST baseline for apps/wordcount. Streams the
// input through an 8 MiB buffer, counts every maximal run of non-whitespace (whitespace as in
// kiln::split: ' ' and '\t' to '\r') in an open-addressing table whose slots hold the words,
// and writes OUTDIR/part-00000 with word<TAB>count lines (in table order, as Kiln's are in
// hash order: compare sorted).
//   wordcount_seq INPUT OUTDIR     (INPUT: a file, or a directory of part files)
#include <sys/stat.h>

#include <charconv>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "baseline_io.hpp"

namespace {

// Linear probing, power-of-two capacity, at most half full. Short words live inline in the
// slot's std::string, so a probe compares bytes already in the slot's cache line.
class WordTable {
 public:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    long count = 0;
    std::string word;
  };
  WordTable() : slots_(size_t(1) << 16) {}
  size_t size() const { return used_; }
  void add(std::string_view w) {
    const uint64_t h = std::hash<std::string_view>{}(w) | 1;
    const size_t mask = slots_.size() - 1;
    for (size_t i = (h * 0x9e3779b97f4a7c15ULL) >> shift_;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == h && s.word == w) {
        ++s.count;
        return;
      }
      if (s.hash == 0) {
        s.hash = h;
        s.word.assign(w);
        s.count = 1;
        if (++used_ * 2 > slots_.size()) grow();
        return;
      }
    }
  }
  template <class F>
  void forEach(F&& f) const {
    for (const Slot& s : slots_)
      if (s.hash) f(s.word, s.count);
  }

 private:
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    const size_t mask = slots_.size() - 1;
    for (Slot& s : old) {
      if (!s.hash) continue;
      size_t i = (s.hash * 0x9e3779b97f4a7c15ULL) >> shift_;
      while (slots_[i].hash) i = (i + 1) & mask;
      slots_[i] = std::move(s);
    }
  }
  std::vector<Slot> slots_;
  int shift_ = 64 - 16;
  size_t used_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: wordcount_seq INPUT OUTDIR\n");
    return 2;
  }
  const baseline::Inputs in(argv[1]);
  WordTable counts;
  baseline::forEachLineBlock(in, 0, in.total(), [&](const char* p, const char* end) {
    while (p < end) {
      while (p < end && baseline::isSpace(*p)) ++p;
      const char* w = p;
      while (p < end && !baseline::isSpace(*p)) ++p;
      if (p > w) counts.add(std::string_view(w, size_t(p - w)));
    }
  });

  mkdir(argv[2], 0755);
  std::string text;
  text.reserve(counts.size() * 16);
  counts.forEach([&](std::string_view w, long c) {
    char num[24];
    auto [end, ec] = std::to_chars(num, num + sizeof num, c);
    text.append(w).append(1, '\t').append(num, end).append(1, '\n');
  });
  baseline::writeFile(baseline::partName(argv[2], 0), text.data(), text.size());
  return 0;
}
