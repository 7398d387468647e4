// An app's check of its output path before any work (gen_events, reduce-events: HDF5 files,
// which the writer would otherwise extend or replace).
#pragma once

#include <filesystem>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

namespace kiln_apps {

// True if `path` does not exist; otherwise the driver says so, naming the app and the path
// (and `hint`), and every rank gets false, so all exit together. One task looks and every rank
// gets its answer: ranks that each looked for themselves could disagree once the driver had
// begun to write the output, and a rank that left the program early would hang the others.
inline bool isNewOutput(const kiln::Context& sc, const char* app, const std::string& path,
                        const char* hint = "remove it or choose another") {
  const int exists = sc.parallelize(std::vector<std::string>{path}, 1)
                         .map([](const std::string& p) { return int(std::filesystem::exists(p)); })
                         .first();
  if (!exists) return true;
  if (sc.isDriver()) std::cerr << app << ": " << path << " exists (" << hint << ")\n";
  return false;
}

}  // namespace kiln_apps
