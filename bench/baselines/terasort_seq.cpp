// Single-threaded TeraSort, no framework: the COST baseline for apps/terasort. Reads every
// 100-byte record of the input into memory, sorts 16-byte tags (the 10-byte key as a big-endian
// 64-bit word and 16-bit rest, and the record's index) by a counting pass on the key's first
// two bytes followed by std::sort of each of the 65536 buckets, then writes the records in tag
// order to OUTDIR/part-00000. Records with equal keys keep their input order.
//   terasort_seq INPUT OUTDIR     (INPUT: a file, or a directory of part files)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "baseline_io.hpp"
#include "tera_tag.hpp"

namespace {

constexpr size_t kRecord = 100;

using Tag = baseline::TeraTag;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: terasort_seq INPUT OUTDIR\n");
    return 2;
  }
  const baseline::Inputs in(argv[1]);
  for (size_t i = 0; i < in.files.size(); ++i)
    if ((in.starts[i + 1] - in.starts[i]) % kRecord != 0)
      baseline::die(in.files[i] + " is not a whole number of 100-byte records");
  const size_t n = size_t(in.total() / kRecord);
  if (n >= (uint64_t(1) << 32)) baseline::die("more than 2^32 records");
  std::unique_ptr<char[]> data(new char[n * kRecord]);
  for (size_t i = 0; i < in.files.size(); ++i) {
    const int fd = baseline::openOrDie(in.files[i]);
    const size_t size = size_t(in.starts[i + 1] - in.starts[i]);
    if (baseline::preadFully(fd, data.get() + in.starts[i], size, 0) != size)
      baseline::die(in.files[i] + " shrank while being read");
    close(fd);
  }

  // Counting pass on the first two key bytes, then each bucket sorted on its own (they are
  // small enough to stay in cache).
  std::vector<size_t> start(65537, 0);
  std::vector<Tag> tags(n), sorted(n);
  for (size_t i = 0; i < n; ++i) {
    tags[i] = baseline::teraTagOf(data.get() + i * kRecord, uint32_t(i));
    ++start[(tags[i].hi >> 48) + 1];
  }
  for (size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
  {
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (const Tag& t : tags) sorted[next[t.hi >> 48]++] = t;
  }
  std::vector<Tag>().swap(tags);
  for (size_t b = 0; b + 1 < start.size(); ++b)
    std::sort(sorted.begin() + ptrdiff_t(start[b]), sorted.begin() + ptrdiff_t(start[b + 1]));

  mkdir(argv[2], 0755);
  const std::string path = baseline::partName(argv[2], 0);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) baseline::die("cannot write " + path);
  constexpr size_t kChunk = 40000;  // records per write: 4 MB
  std::vector<char> out(kChunk * kRecord);
  for (size_t i = 0; i < n; i += kChunk) {
    const size_t m = std::min(kChunk, n - i);
    for (size_t j = 0; j < m; ++j)
      std::memcpy(out.data() + j * kRecord, data.get() + size_t(sorted[i + j].idx) * kRecord,
                  kRecord);
    baseline::pwriteFully(fd, out.data(), m * kRecord, uint64_t(i) * kRecord, path);
  }
  if (close(fd) != 0) baseline::die("cannot write " + path);
  return 0;
}
