// "size:mtime" of a file: what tells two versions of an input apart cheaply.
#pragma once

#include <sys/stat.h>

#include <string>

namespace kiln::io {

inline std::string fileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + ":missing";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace kiln::io
