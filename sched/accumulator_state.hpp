// Accumulators as the scheduler sees them: a value that tasks update in copies of their own,
// shipped with each successful outcome and merged once into the driver's value.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "../util/byte_buffer.hpp"

namespace kiln::sched {

class AccumulatorState {
 public:
  virtual ~AccumulatorState() = default;
  // A fresh copy at the zero value (a task's private copy).
  virtual std::unique_ptr<AccumulatorState> zeroCopy() const = 0;
  virtual void save(ByteBuffer& out) const = 0;
  // Merges a value that save() wrote.
  virtual void mergeSaved(ByteReader& in) = 0;
  // Replaces this value with one that save() wrote.
  virtual void loadSaved(ByteReader& in) = 0;
};

// The wire format of accumulator values, shared by task updates and the driver's broadcast:
// a count, then (id, length, saved value) for each.
void writeAccumulatorValue(ByteBuffer& out, int id, const AccumulatorState& value);
template <class F>  // f(int id, ByteReader& savedValue)
void forEachAccumulatorValue(ByteReader& in, F&& f) {
  for (uint64_t n = in.getVarint(); n > 0; --n) {
    int id = in.get<int32_t>();
    size_t len = in.getVarint();
    ByteReader value(std::span<const std::byte>(in.take(len), len));
    f(id, value);
  }
}

// The copy of accumulator `id` owned by the task running on this thread, created from proto on
// first use.
AccumulatorState& taskAccumulatorCopy(int id, const AccumulatorState& proto);
// The running task's copies, serialized as (id, value) pairs, and forgotten.
ByteBuffer takeTaskAccumulators();

}  // namespace kiln::sched
