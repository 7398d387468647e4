// Single-threaded word count, no framework: the COST baseline for apps/wordcount. Streams the
// input through an 8 MiB buffer, counts every maximal run of non-whitespace (whitespace as in
// kiln::split: ' ' and '\t' to '\r') in word_table.hpp's table (Kiln's packed string table),
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
#include "word_table.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: wordcount_seq INPUT OUTDIR\n");
    return 2;
  }
  const baseline::Inputs in(argv[1]);
  baseline::WordTable counts;
  baseline::forEachLineBlock(in, 0, in.total(), [&](const char* p, const char* end) {
    while (p < end) {
      while (p < end && baseline::isSpace(*p)) ++p;
      const char* w = p;
      while (p < end && !baseline::isSpace(*p)) ++p;
      if (p > w) counts.add(std::string_view(w, size_t(p - w)), 1);
    }
    counts.flush();  // the buffer's next block replaces these words
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
