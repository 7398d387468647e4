// About how many bytes records take in memory: what block budgets count.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kiln::detail {

// Bytes a record owns on the heap, beyond sizeof. Every overload is declared before any is
// defined, so that nested containers (a pair holding a vector) find each other.
template <class T>
size_t heapBytes(const T&);
size_t heapBytes(const std::string& s);
template <class A, class B>
size_t heapBytes(const std::pair<A, B>& p);
template <class... Ts>
size_t heapBytes(const std::tuple<Ts...>& t);
template <class E, class A>
size_t heapBytes(const std::vector<E, A>& v);
template <class E>
size_t heapBytes(const std::optional<E>& o);
template <class K, class V, class... R>
size_t heapBytes(const std::map<K, V, R...>& m);
template <class K, class V, class... R>
size_t heapBytes(const std::unordered_map<K, V, R...>& m);

template <class T>
size_t heapBytes(const T&) {
  return 0;
}
inline size_t heapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
template <class A, class B>
size_t heapBytes(const std::pair<A, B>& p) {
  return heapBytes(p.first) + heapBytes(p.second);
}
template <class... Ts>
size_t heapBytes(const std::tuple<Ts...>& t) {
  return std::apply([](const auto&... x) { return (size_t(0) + ... + heapBytes(x)); }, t);
}
template <class E, class A>
size_t heapBytes(const std::vector<E, A>& v) {
  size_t n = v.capacity() * sizeof(E);
  for (const auto& x : v) n += heapBytes(x);
  return n;
}
template <class E>
size_t heapBytes(const std::optional<E>& o) {
  return o ? heapBytes(*o) : 0;
}
template <class K, class V, class... R>
size_t heapBytes(const std::map<K, V, R...>& m) {
  size_t n = m.size() * (sizeof(std::pair<const K, V>) + 32);
  for (const auto& [k, v] : m) n += heapBytes(k) + heapBytes(v);
  return n;
}
template <class K, class V, class... R>
size_t heapBytes(const std::unordered_map<K, V, R...>& m) {
  size_t n = m.size() * (sizeof(std::pair<const K, V>) + 16) + m.bucket_count() * sizeof(void*);
  for (const auto& [k, v] : m) n += heapBytes(k) + heapBytes(v);
  return n;
}

template <class T>
size_t estimateBytes(const std::vector<T>& records) {
  size_t n = sizeof(records) + records.capacity() * sizeof(T);
  for (const auto& r : records) n += heapBytes(r);
  return n;
}

}  // namespace kiln::detail
