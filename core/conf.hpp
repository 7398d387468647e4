// Configuration: Spark-style keys with string values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kiln {

// Set keys in code, with --conf key=value on the command line, or with KILN_* environment
// variables (kiln.task.maxFailures <- KILN_TASK_MAXFAILURES). Precedence: code, command line,
// environment, defaults. docs/CONFIGURATION.md lists the keys.
class Conf {
 public:
  Conf& set(const std::string& key, const std::string& value);
  bool contains(const std::string& key) const { return values_.count(key) != 0; }
  std::optional<std::string> get(const std::string& key) const;
  std::string get(const std::string& key, const std::string& fallback) const;
  // Typed reads; a malformed value is a kiln::Error naming the key.
  long getLong(const std::string& key, long fallback) const;
  bool getBool(const std::string& key, bool fallback) const;
  // Sizes accept k, m, g suffixes (powers of 1024), as Spark's "512m".
  uint64_t getBytes(const std::string& key, uint64_t fallback) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace kiln
