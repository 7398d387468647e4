#include "task_context.hpp"

#include "../util/error.hpp"

namespace kiln {
namespace {
thread_local TaskContext tlsContext;
thread_local const TaskContext* tlsCurrent = nullptr;
}  // namespace

const TaskContext* TaskContext::get() { return tlsCurrent; }

void TaskContext::checkCancelled() {
  if (tlsCurrent && tlsCurrent->cancelled_ &&
      tlsCurrent->cancelled_->load(std::memory_order_relaxed))
    throw Error("task killed: its job was cancelled");
}

TaskContext::Scope::Scope(int stage, int partition, int attempt, const std::atomic<bool>* cancelled)
    : previous_(tlsCurrent) {
  tlsContext.stage_ = stage;
  tlsContext.partition_ = partition;
  tlsContext.attempt_ = attempt;
  tlsContext.cancelled_ = cancelled;
  tlsCurrent = &tlsContext;
}

TaskContext::Scope::~Scope() { tlsCurrent = previous_; }

}  // namespace kiln
