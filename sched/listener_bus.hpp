// Hands each scheduler event to every registered listener, in registration order. A listener
// that throws is reported once and removed: observing a job must never fail it.
#pragma once

#include <iostream>
#include <memory>
#include <vector>

#include "scheduler_listener.hpp"

namespace kiln::sched {

class ListenerBus {
 public:
  void add(std::unique_ptr<SchedulerListener> l) { listeners_.push_back(std::move(l)); }
  bool empty() const { return listeners_.empty(); }

  template <class F>
  void post(F&& deliver) {
    for (size_t i = 0; i < listeners_.size();) {
      try {
        deliver(*listeners_[i]);
        ++i;
      } catch (const std::exception& e) {
        std::cerr << "kiln: WARN a listener failed and is removed: " << e.what() << std::endl;
        listeners_.erase(listeners_.begin() + long(i));
      }
    }
  }

 private:
  std::vector<std::unique_ptr<SchedulerListener>> listeners_;
};

}  // namespace kiln::sched
