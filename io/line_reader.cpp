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

void readSplitLines(const FileSplit& split, const std::function<bool(std::string_view)>& onLine) {
  if (split.length == 0) return;
  File file(split.path);
  // The buffer starts one byte before the split (to see whether a line starts at `start`).
  // In buffer indices a newline at j < ownedEnd starts a line we own; for start > 0 index 0 is
  // the previous split's byte, whose newline starts a line the previous split owns.
  uint64_t from = split.start == 0 ? 0 : split.start - 1;
  std::vector<char> buf(split.start + split.length - from);
  buf.resize(file.readAt(buf.data(), buf.size(), from));
  const size_t ownedEnd = buf.size();
  // Read on until the last owned line is complete: a newline at or after ownedEnd, or EOF.
  constexpr size_t kStep = 1 << 16;
  size_t searched = ownedEnd;
  while (!std::memchr(buf.data() + searched, '\n', buf.size() - searched)) {
    size_t old = buf.size();
    buf.resize(old + kStep);
    size_t got = file.readAt(buf.data() + old, kStep, from + old);
    buf.resize(old + got);
    if (got == 0) break;
    searched = old;
  }

  const char* data = buf.data();
  const char* end = data + buf.size();
  const char* p = data;
  if (split.start != 0) {
    const void* nl = ownedEnd > 1 ? std::memchr(data + 1, '\n', ownedEnd - 1) : nullptr;
    if (!nl) return;  // no line starts in this split
    p = static_cast<const char*>(nl) + 1;
  }
  while (p < end) {
    const void* nl = std::memchr(p, '\n', size_t(end - p));
    const char* lineEnd = nl ? static_cast<const char*>(nl) : end;
    if (!onLine(trimCR(p, lineEnd))) return;
    if (!nl || size_t(lineEnd - data) >= ownedEnd) return;
    p = lineEnd + 1;  // p == end here means the file ended with this newline
  }
}

}  // namespace kiln::io
