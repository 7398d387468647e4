#include "scratch_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "../util/error.hpp"
#include "../util/exit_cleanup.hpp"

namespace kiln::io {
namespace fs = std::filesystem;

ScratchDirectory::~ScratchDirectory() {
  if (cleanupId_ >= 0) unregisterCleanup(cleanupId_);
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void ScratchDirectory::setParent(std::string parentDir) {
  std::lock_guard lock(mutex_);
  parent_ = std::move(parentDir);
}

std::string ScratchDirectory::path() {
  std::lock_guard lock(mutex_);
  if (dir_.empty()) {
    char host[256] = "host";
    ::gethostname(host, sizeof host - 1);
    std::string dir = parent_ + "/kiln-spill-" + host + "-" + std::to_string(::getpid());
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || ::chmod(dir.c_str(), 0700) != 0)
      throw Error("spill: cannot create " + dir + " (set kiln.local.dir to a writable directory)");
    dir_ = dir;
    cleanupId_ = registerCleanup([dir] {
      std::error_code e;
      fs::remove_all(dir, e);
    });
  }
  return dir_;
}

std::string ScratchDirectory::newFilePath(const std::string& prefix, const std::string& suffix) {
  std::string dir = path();
  std::lock_guard lock(mutex_);
  return dir + "/" + prefix + "-" + std::to_string(nextFile_++) + suffix;
}

std::string ScratchDirectory::pathIfMade() const {
  std::lock_guard lock(mutex_);
  return dir_;
}

}  // namespace kiln::io
