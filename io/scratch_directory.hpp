// This process's private scratch directory in kiln.local.dir: spilled cache blocks and shuffle
// files live there. Made on first use (0700, named by host and process, since kiln.local.dir may
// be shared between nodes) and removed with everything in it at the end, also when the job
// fails or aborts.
#pragma once

#include <mutex>
#include <string>

namespace kiln::io {

class ScratchDirectory {
 public:
  ScratchDirectory() = default;
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  void setParent(std::string parentDir);
  // The directory, made now if it does not exist yet. Thread-safe.
  std::string path();
  // A fresh file name inside it: prefix plus a number unique in this process.
  std::string newFilePath(const std::string& prefix, const std::string& suffix);
  // The directory if it was made, else empty.
  std::string pathIfMade() const;

 private:
  mutable std::mutex mutex_;
  std::string parent_ = "/tmp";
  std::string dir_;
  int cleanupId_ = -1;
  unsigned long nextFile_ = 0;
};

}  // namespace kiln::io
