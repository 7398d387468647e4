// Input and output helpers shared by the baseline programs (plain POSIX, no framework).
//  - inputFiles(PATH): a file, or a directory's regular files not starting with '_' or '.'
//    (sorted), as Kiln's textFile and binaryRecords list them.
//  - Inputs: the byte sizes of those files, seen as one concatenated byte range.
//  - forEachLineBlock(inputs, begin, end, f): streams the whole lines that start in
//    [begin, end) of that range through a reused buffer, calling f(first, last) on blocks of
//    whole lines (the last line of a file may lack its '\n'). Ranges that tile [0, total) give
//    every line exactly once, which is how ranks and threads split a text input.
//  - pwriteFully, writeFile(PATH, data, size): write everything, or exit with a message.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace baseline {

[[noreturn]] inline void die(const std::string& why) {
  std::fprintf(stderr, "%s\n", why.c_str());
  std::exit(1);
}

inline bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

inline std::vector<std::string> inputFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && !name.empty() && name[0] != '_' && name[0] != '.')
        files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  }
  if (files.empty()) die("no input files at " + path);
  return files;
}

struct Inputs {
  std::vector<std::string> files;
  std::vector<uint64_t> starts;  // offset of each file in the concatenation, then the total
  explicit Inputs(const std::string& path) : files(inputFiles(path)) {
    uint64_t total = 0;
    for (const std::string& f : files) {
      struct stat st {};
      if (stat(f.c_str(), &st) != 0) die("cannot stat " + f);
      starts.push_back(total);
      total += uint64_t(st.st_size);
    }
    starts.push_back(total);
  }
  uint64_t total() const { return starts.back(); }
};

inline int openOrDie(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) die("cannot open " + path);
  return fd;
}

// Reads exactly size bytes at offset (fewer only at the end of the file); returns the count.
inline size_t preadFully(int fd, char* buf, size_t size, uint64_t offset) {
  size_t got = 0;
  while (got < size) {
    ssize_t r = pread(fd, buf + got, size - got, off_t(offset + got));
    if (r < 0) die(std::string("read failed: ") + std::strerror(errno));
    if (r == 0) break;
    got += size_t(r);
  }
  return got;
}

// The first line start at or after pos in a file of fileSize bytes: pos itself if it is 0 or
// follows a '\n', else just past the next '\n' (or the end of the file).
inline uint64_t lineStart(int fd, uint64_t pos, uint64_t fileSize) {
  if (pos == 0 || pos >= fileSize) return std::min(pos, fileSize);
  char buf[65536];
  for (uint64_t at = pos - 1; at < fileSize;) {
    size_t got = preadFully(fd, buf, sizeof buf, at);
    if (got == 0) break;
    if (const void* nl = std::memchr(buf, '\n', got))
      return at + uint64_t(static_cast<const char*>(nl) - buf) + 1;
    at += got;
  }
  return fileSize;
}

template <class F>
void forEachLineBlock(const Inputs& in, uint64_t begin, uint64_t end, F&& f) {
  constexpr size_t kBlock = size_t(8) << 20;
  std::vector<char> buf(kBlock);
  for (size_t i = 0; i + 1 < in.starts.size(); ++i) {
    const uint64_t fileBegin = in.starts[i], fileSize = in.starts[i + 1] - fileBegin;
    if (fileBegin + fileSize <= begin || fileBegin >= end) continue;
    const int fd = openOrDie(in.files[i]);
    const uint64_t b = lineStart(fd, begin > fileBegin ? begin - fileBegin : 0, fileSize);
    const uint64_t e = lineStart(fd, std::min(end - fileBegin, fileSize), fileSize);
    posix_fadvise(fd, off_t(b), off_t(e - b), POSIX_FADV_SEQUENTIAL);
    size_t carry = 0;  // bytes of an unfinished line kept at the front of buf
    for (uint64_t at = b; at < e;) {
      if (carry == buf.size()) buf.resize(buf.size() * 2);  // a line longer than the buffer
      const size_t want = size_t(std::min<uint64_t>(buf.size() - carry, e - at));
      const size_t got = preadFully(fd, buf.data() + carry, want, at);
      if (got == 0) die(in.files[i] + " shrank while being read");
      at += got;
      const size_t filled = carry + got;
      size_t whole = filled;  // up to and including the last '\n' (everything at the end)
      if (at < e) {
        while (whole > 0 && buf[whole - 1] != '\n') --whole;
      }
      if (whole > 0) f(buf.data(), buf.data() + whole);
      carry = filled - whole;
      std::memmove(buf.data(), buf.data() + whole, carry);
    }
    close(fd);
  }
}

// Writes size bytes at offset, or exits naming path.
inline void pwriteFully(int fd, const char* data, size_t size, uint64_t offset,
                        const std::string& path) {
  for (size_t done = 0; done < size;) {
    ssize_t w = pwrite(fd, data + done, size - done, off_t(offset + done));
    if (w <= 0) die("cannot write " + path + ": " + std::strerror(errno));
    done += size_t(w);
  }
}

inline void writeFile(const std::string& path, const char* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0)
    die("cannot write " + path);
}

inline std::string partName(const std::string& dir, int part) {
  char name[32];
  std::snprintf(name, sizeof name, "/part-%05d", part);
  return dir + name;
}

}  // namespace baseline
