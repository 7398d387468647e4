#include "lineage_identity.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <unordered_map>

namespace kiln::sched {
namespace {

uint64_t fnv1a(const void* data, size_t size, uint64_t h = 0xcbf29ce484222325ULL) {
  auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

std::string hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// Each node's identity is a hash of its own description and its parents' identities (memoized:
// shared parents are hashed once).
std::string identityOf(const LineageNode& n, std::unordered_map<int, std::string>& memo) {
  if (auto it = memo.find(n.id()); it != memo.end()) return it->second;
  std::string text =
      n.name() + "|" + std::to_string(n.numPartitions()) + "|" + n.identityParameters();
  for (const Dependency& d : n.dependencies()) {
    if (d.shuffle)
      text += "|shuffle(" + std::to_string(d.shuffle->numReducePartitions()) +
              "):" + identityOf(d.shuffle->mapSide(), memo);
    else
      text += "|narrow:" + identityOf(*d.parent, memo);
  }
  return memo[n.id()] = hex(fnv1a(text.data(), text.size()));
}

}  // namespace

std::string hashHex(const void* data, size_t size) { return hex(fnv1a(data, size)); }

std::string shuffleIdentity(const ShuffleDependency& shuffle, const std::string& salt) {
  std::string text = lineageIdentity(shuffle.mapSide(), salt) + "|shuffle(" +
                     std::to_string(shuffle.numReducePartitions()) + ")|" +
                     shuffle.identityParameters();
  return hex(fnv1a(text.data(), text.size()));
}

std::string executableStamp() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "unknown-binary";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec);
}

std::string lineageIdentity(const LineageNode& rdd, const std::string& salt) {
  std::unordered_map<int, std::string> memo;
  std::string text = identityOf(rdd, memo) + "|" + salt;
  return hex(fnv1a(text.data(), text.size()));
}

}  // namespace kiln::sched
