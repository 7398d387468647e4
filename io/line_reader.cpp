#include "line_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "../util/error.hpp"

namespace kiln::io {
namespace {

class File {
 public:
  explicit File(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY)) {
    if (fd_ < 0) throw Error("textFile: cannot open " + path + ": " + std::strerror(errno));
  }
  ~File() { ::close(fd_); }
  // Reads up to n bytes at offset into dst; returns the count (short only at end of file).
  size_t readAt(char* dst, size_t n, uint64_t offset) {
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, dst + got, n - got, off_t(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw Error("textFile: error reading " + path_ + ": " + std::strerror(errno));
      if (r == 0) break;
      got += size_t(r);
    }
    return got;
  }

 private:
  std::string path_;
  int fd_;
};

std::string_view trimCR(const char* b, const char* e) {
  if (e > b && e[-1] == '\r') --e;
  return {b, size_t(e - b)};
}

}  // namespace

void readSplitLines(const FileSplit& split, const LineBatchFn& onLines, size_t chunkBytes) {
  if (split.length == 0) return;
  File file(split.path);
  // Lines found since the last call of onLines; they point into buf, so they go out before
  // every refill moves it.
  constexpr size_t kBatchLines = 1024;
  std::vector<std::string_view> batch;
  batch.reserve(kBatchLines);
  auto flush = [&] {
    if (batch.empty()) return;
    onLines(batch);
    batch.clear();
  };
  auto onLine = [&](std::string_view line) {
    batch.push_back(line);
    if (batch.size() == kBatchLines) flush();
  };
  const uint64_t end = split.start + split.length;
  // A window onto the file, refilled chunk by chunk. It is per thread and kept across tasks,
  // so a task neither page-faults a fresh buffer in nor streams its split through the cache.
  thread_local std::vector<char> buf;
  if (buf.size() < chunkBytes || buf.size() > 4 * chunkBytes) buf.assign(chunkBytes, 0);
  uint64_t base = split.start;  // file offset of buf[0]
  size_t len = 0;               // bytes of buf holding file data
  size_t p = 0;                 // the current position in buf
  // Moves buf[p, len) to the front and reads on after it; false at the end of the file.
  auto refill = [&]() {
    flush();
    size_t keep = len - p;
    std::memmove(buf.data(), buf.data() + p, keep);
    base += p;
    len = keep;
    p = 0;
    if (len == buf.size()) buf.resize(buf.size() * 2);  // a line longer than the window
    size_t got = file.readAt(buf.data() + len, buf.size() - len, base + len);
    len += got;
    return got > 0;
  };
  auto newlineFrom = [&](size_t from) -> const char* {
    return static_cast<const char*>(std::memchr(buf.data() + from, '\n', len - from));
  };

  // Not the first split: the first line we own starts after the first newline at or after
  // `start` (a line starting exactly at `start` belongs to the previous split).
  if (split.start != 0) {
    size_t scan = 0;
    while (true) {
      if (const char* nl = newlineFrom(scan)) {
        size_t q = size_t(nl - buf.data());
        if (base + q >= end) return;  // no line starts in this split
        p = q + 1;
        break;
      }
      if (base + len >= end) return;
      p = len;
      if (!refill()) return;
      scan = 0;
    }
  }
  // p starts a line we own. A line ending at a newline inside the split is followed by another
  // line of ours; the line that ends at or past the split's end is our last.
  while (true) {
    size_t scan = p;
    const char* nl;
    while (!(nl = newlineFrom(scan))) {
      size_t seen = len - p;
      if (!refill()) {
        if (len > p) onLine(trimCR(buf.data() + p, buf.data() + len));  // no final newline
        flush();
        return;
      }
      scan = seen;
    }
    onLine(trimCR(buf.data() + p, nl));
    size_t q = size_t(nl - buf.data());
    if (base + q >= end) return flush();
    p = q + 1;
  }
}

}  // namespace kiln::io
