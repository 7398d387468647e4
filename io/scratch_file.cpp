#include "scratch_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "../util/error.hpp"

namespace kiln::io {

namespace {
thread_local uint64_t tlsBytesSpilled = 0;
}  // namespace

uint64_t threadBytesSpilled() { return tlsBytesSpilled; }
void noteBytesSpilled(uint64_t n) { tlsBytesSpilled += n; }

ScratchFile::ScratchFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error("spill: cannot create " + path_ + ": " + std::strerror(errno));
}

ScratchFile::~ScratchFile() {
  if (fd_ >= 0) ::close(fd_);
  ::unlink(path_.c_str());
}

uint64_t ScratchFile::append(const void* data, size_t n) {
  uint64_t offset = reserve(n);
  writeAt(offset, data, n);
  return offset;
}

void ScratchFile::writeAt(uint64_t offset, const void* data, size_t n) {
  noteBytesSpilled(n);
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, p, n, off_t(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      throw Error("spill: cannot write " + path_ + ": " +
                  (w < 0 ? std::strerror(errno) : "no space left") + " (kiln.local.dir full?)");
    p += w;
    n -= size_t(w);
    offset += uint64_t(w);
  }
}

void ScratchFile::readAt(uint64_t offset, void* dst, size_t n) const {
  auto* p = static_cast<char*>(dst);
  while (n > 0) {
    ssize_t r = ::pread(fd_, p, n, off_t(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      throw Error("spill: cannot read " + path_ + ": " +
                  (r < 0 ? std::strerror(errno) : "file shorter than written"));
    p += r;
    n -= size_t(r);
    offset += uint64_t(r);
  }
}

}  // namespace kiln::io
