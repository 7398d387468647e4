// A binary file in the scratch directory for shuffle data: written at reserved offsets by many
// threads at once (pwrite), read back the same way (pread), owner-only, deleted when the object
// goes. Plain files, not HDF5: shuffle runs are streamed byte ranges, and HDF5's library-wide
// lock would serialize every task's spill I/O.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln::io {

class ScratchFile {
 public:
  explicit ScratchFile(std::string path);  // creates it; throws naming the path
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Claims n bytes at the end of the file; returns their offset. Thread-safe.
  uint64_t reserve(uint64_t n) { return end_.fetch_add(n); }
  // Reserves and writes in one step.
  uint64_t append(const void* data, size_t n);
  void writeAt(uint64_t offset, const void* data, size_t n);
  void readAt(uint64_t offset, void* dst, size_t n) const;
  uint64_t size() const { return end_.load(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<uint64_t> end_{0};
};

// Bytes the calling thread has written to scratch and spill files (ScratchFile, spill files):
// a task's spill volume is the difference across it.
uint64_t threadBytesSpilled();
void noteBytesSpilled(uint64_t n);

}  // namespace kiln::io
