// io/: text splits own every line exactly once, for every split size.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "../io/line_reader.hpp"
#include "../io/text_splits.hpp"
#include "test_support.hpp"

namespace kiln::test {
namespace {

// What the lines of a text are, written independently of the reader: split at '\n', drop a
// trailing '\r', and no empty last line after a final newline.
std::vector<std::string> referenceLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> readAllSplits(const std::string& path, uint64_t splitBytes, size_t chunk) {
  std::vector<std::string> lines;
  for (const auto& s : io::computeSplits({path}, 1, splitBytes))
    io::readSplitLines(
        s,
        [&](std::span<const std::string_view> batch) {
          lines.insert(lines.end(), batch.begin(), batch.end());
        },
        chunk);
  return lines;
}

TEST(TextSplits, EveryLineOnceForEverySplitSize) {
  TempDir dir;
  std::vector<std::string> texts = {
      "",
      "\n",
      "\n\n\n",
      "one line no newline",
      "a\nb\nc\n",
      "a\r\nb\r\n\r\nlast",
      "x\n\nyy\n\n\nzzz\n",
  };
  std::mt19937 rng(7);
  for (int t = 0; t < 5; ++t) {
    std::string s;
    int n = int(rng() % 40);
    for (int i = 0; i < n; ++i) {
      s.append(rng() % 7, char('a' + rng() % 26));
      s += (rng() % 5 == 0) ? "\r\n" : "\n";
    }
    if (rng() % 2) s += "tail";
    texts.push_back(s);
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (size_t t = 0; t < texts.size(); ++t) {
    std::string name = "t";  // appended, not "t" + ...: GCC 12 warns falsely on that
    name.append(std::to_string(t)).append("_").append(std::to_string(rank));
    std::string path = dir.path(name);
    std::ofstream(path, std::ios::binary) << texts[t];
    auto expected = referenceLines(texts[t]);
    // Every split size, and read windows from 1 byte (a refill per byte) to larger than the file.
    for (size_t chunk : {1, 2, 3, 7, 64, 1 << 20})
      for (uint64_t split = 1; split <= texts[t].size() + 2; ++split)
        ASSERT_EQ(readAllSplits(path, split, chunk), expected)
            << "text " << t << ", split size " << split << ", read chunk " << chunk;
  }
}

TEST(TextSplits, HadoopSizing) {
  TempDir dir;
  writeFileOnDriver(dir.path("f"), std::string(1000, 'x'));
  auto splits = io::computeSplits({dir.path("f")}, 3, 1 << 20);
  ASSERT_EQ(splits.size(), 3u);  // goal 333: 333, 333, 334 (the last absorbs the remainder)
  EXPECT_EQ(splits[0].length, 333u);
  EXPECT_EQ(splits[2].start + splits[2].length, 1000u);
  // The block size caps a split; the 10 % slop merges a small tail.
  writeFileOnDriver(dir.path("g"), std::string(1010, 'x'));
  auto capped = io::computeSplits({dir.path("g")}, 1, 100);
  EXPECT_EQ(capped.size(), 10u);  // nine of 100, then 110 (not 100 + a 10-byte sliver)
  EXPECT_EQ(capped.back().length, 110u);
  writeFileOnDriver(dir.path("empty"), "");
  EXPECT_EQ(io::computeSplits({dir.path("empty")}, 2, 1 << 20).size(), 1u);
}

TEST(TextSplits, LargeInputsAreSpreadOverTheCores) {
  const uint64_t MiB = 1 << 20, blockSize = 128 * MiB;
  // 1 GiB on 2 cores: the block size decides (8 splits); on 64 cores, 16 MiB each.
  EXPECT_EQ(io::splitBytes(1024 * MiB, 2, blockSize, 2), blockSize);
  EXPECT_EQ(io::splitBytes(1024 * MiB, 2, blockSize, 64), 16 * MiB);
  // A split is never cut below min(total / minPartitions, kSpreadInputBytes) to spread it.
  EXPECT_EQ(io::splitBytes(8 * MiB, 2, blockSize, 64), io::kSpreadInputBytes);
  EXPECT_EQ(io::splitBytes(1000, 2, blockSize, 64), 500u);
  EXPECT_EQ(io::splitBytes(1000, 3, 100, 1), 100u);  // the block size still caps
  TempDir dir;
  writeFileOnDriver(dir.path("f"), std::string(10 * MiB, 'x'));
  EXPECT_EQ(io::computeSplits({dir.path("f")}, 2, blockSize, 1).size(), 2u);
  EXPECT_EQ(io::computeSplits({dir.path("f")}, 2, blockSize, 64).size(), 3u);  // 4, 4, 2 MiB
  writeFileOnDriver(dir.path("r"), std::string(100 * 100000, 'r'));  // 1e5 records of 100 bytes
  // Spread over 64 cores: 4 MiB rounded down to whole records, then the rest.
  auto records = io::computeRecordSplits({dir.path("r")}, 100, 1, blockSize, 64);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].length, 4194300u);
  EXPECT_EQ(records[1].length, 4194300u);
  EXPECT_EQ(records[2].start + records[2].length, 10000000u);
}

TEST(TextSplits, ListsDirectoriesAndGlobsSortedSkippingHidden) {
  TempDir dir;
  writeFileOnDriver(dir.path("b.txt"), "b");
  writeFileOnDriver(dir.path("a.txt"), "a");
  writeFileOnDriver(dir.path("_SUCCESS"), "");
  writeFileOnDriver(dir.path(".hidden"), "h");
  EXPECT_EQ(io::listInputFiles(dir.path()),
            (std::vector<std::string>{dir.path("a.txt"), dir.path("b.txt")}));
  EXPECT_EQ(io::listInputFiles(dir.path("b*")), (std::vector<std::string>{dir.path("b.txt")}));
  try {
    io::listInputFiles(dir.path("missing"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path("missing")), std::string::npos);
  }
}

TEST(TextSplits, CommaSeparatedPathsAndArraySlices) {
  TempDir dir;
  for (const char* name : {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"})
    writeFileOnDriver(dir.path(name), std::string(name) + "\n");
  // Several paths (as Spark's textFile takes them), duplicates once, sorted.
  EXPECT_EQ(io::listInputFiles(dir.path("c.txt") + "," + dir.path("a*") + "," + dir.path("c.txt")),
            (std::vector<std::string>{dir.path("a.txt"), dir.path("c.txt")}));
  // Array task 1 of 2 owns every second file from the second; the slices cover all, once.
  auto files = inputFiles(dir.path());
  ArrayTask first{0, 2, 0}, second{1, 2, 1};
  EXPECT_EQ(second.slice(files), (std::vector<std::string>{dir.path("b.txt"), dir.path("d.txt")}));
  EXPECT_EQ(first.slice(files).size() + second.slice(files).size(), files.size());
  auto sc = makeContext();
  EXPECT_EQ(sorted(sc->textFile(joinPaths(second.slice(files))).collect()),
            (std::vector<std::string>{"b.txt", "d.txt"}));
  // Outside a job array, the one task owns everything.
  EXPECT_EQ(ArrayTask::fromEnvironment(4).slice(files), files);
}

}  // namespace
}  // namespace kiln::test
