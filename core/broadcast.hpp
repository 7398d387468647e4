// Broadcast variables: a read-only value every task can read without a copy per task.
#pragma once

#include <memory>

namespace kiln {

// Made by sc.broadcast(v), which sends the driver's v to every rank once. Capture the handle
// (cheap to copy) in task functions and call value().
template <class T>
class Broadcast {
 public:
  explicit Broadcast(std::shared_ptr<const T> value) : value_(std::move(value)) {}
  const T& value() const { return *value_; }

 private:
  std::shared_ptr<const T> value_;
};

}  // namespace kiln
