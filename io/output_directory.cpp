#include "output_directory.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "../util/error.hpp"

namespace kiln::io {
namespace fs = std::filesystem;

void createOutputDirectory(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec))
    throw Error("output directory " + dir + " already exists");
  fs::create_directories(fs::path(dir) / "_temporary", ec);
  if (ec)
    throw Error("cannot create output directory " + dir + ": " + ec.message());
}

std::string attemptFilePath(const std::string& dir, int partition, int attempt) {
  char name[64];
  std::snprintf(name, sizeof name, "part-%05d.attempt-%d", partition, attempt);
  return (fs::path(dir) / "_temporary" / name).string();
}

std::string partFilePath(const std::string& dir, int partition) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%05d", partition);
  return (fs::path(dir) / name).string();
}

void commitAttemptFile(const std::string& dir, int partition, int attempt) {
  std::string from = attemptFilePath(dir, partition, attempt), to = partFilePath(dir, partition);
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw Error("cannot commit " + to + ": " + std::strerror(errno));
}

void commitOutputDirectory(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(fs::path(dir) / "_temporary", ec);
  std::ofstream success(fs::path(dir) / "_SUCCESS");
  if (!success) throw Error("cannot write " + dir + "/_SUCCESS");
}

void abortOutputDirectory(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace kiln::io
