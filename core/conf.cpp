#include "conf.hpp"

#include <cctype>
#include <charconv>

#include "../util/error.hpp"

namespace kiln {

Conf& Conf::set(const std::string& key, const std::string& value) {
  values_[key] = value;
  return *this;
}

std::optional<std::string> Conf::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Conf::get(const std::string& key, const std::string& fallback) const {
  return get(key).value_or(fallback);
}

long Conf::getLong(const std::string& key, long fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  long out = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), out);
  if (r.ec != std::errc() || r.ptr != v->data() + v->size())
    throw Error("configuration " + key + "=" + *v + ": not an integer");
  return out;
}

bool Conf::getBool(const std::string& key, bool fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || *v == "yes") return true;
  if (*v == "false" || *v == "0" || *v == "no") return false;
  throw Error("configuration " + key + "=" + *v + ": not a boolean (true or false)");
}

uint64_t Conf::getBytes(const std::string& key, uint64_t fallback) const {
  auto v = get(key);
  if (!v) return fallback;
  uint64_t n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  std::string suffix(r.ptr, size_t(v->data() + v->size() - r.ptr));
  for (auto& c : suffix) c = char(std::tolower(c));
  if (!suffix.empty() && suffix.back() == 'b' && suffix.size() == 2) suffix.pop_back();
  uint64_t mult = suffix.empty() || suffix == "b" ? 1
                  : suffix == "k"                 ? 1ULL << 10
                  : suffix == "m"                 ? 1ULL << 20
                  : suffix == "g"                 ? 1ULL << 30
                  : suffix == "t"                 ? 1ULL << 40
                                                  : 0;
  if (r.ec != std::errc() || mult == 0 || n > UINT64_MAX / mult)
    throw Error("configuration " + key + "=" + *v + ": not a size (e.g. 4096, 64k, 512m, 2g)");
  return n * mult;
}

}  // namespace kiln
