#include "exit_cleanup.hpp"

#include <map>
#include <mutex>

namespace kiln {
namespace {
std::mutex& mutex() {
  static std::mutex m;
  return m;
}
std::map<int, std::function<void()>>& cleanups() {
  static std::map<int, std::function<void()>> c;
  return c;
}
int nextId = 0;
}  // namespace

int registerCleanup(std::function<void()> fn) {
  std::lock_guard lock(mutex());
  cleanups()[nextId] = std::move(fn);
  return nextId++;
}

void unregisterCleanup(int id) {
  std::lock_guard lock(mutex());
  cleanups().erase(id);
}

void runCleanups() {
  std::map<int, std::function<void()>> todo;
  {
    std::lock_guard lock(mutex());
    todo.swap(cleanups());
  }
  for (auto& [id, fn] : todo) fn();
}

}  // namespace kiln
