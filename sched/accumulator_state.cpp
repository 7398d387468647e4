#include "accumulator_state.hpp"

#include <utility>
#include <vector>

namespace kiln::sched {
namespace {
// A task touches few accumulators: a short list beats a map.
thread_local std::vector<std::pair<int, std::unique_ptr<AccumulatorState>>> tlsCopies;
}  // namespace

AccumulatorState& taskAccumulatorCopy(int id, const AccumulatorState& proto) {
  for (auto& [i, copy] : tlsCopies)
    if (i == id) return *copy;
  tlsCopies.emplace_back(id, proto.zeroCopy());
  return *tlsCopies.back().second;
}

ByteBuffer takeTaskAccumulators() {
  ByteBuffer out;
  out.putVarint(tlsCopies.size());
  for (auto& [id, copy] : tlsCopies) {
    ByteBuffer value;
    copy->save(value);
    out.put(int32_t(id));
    out.putVarint(value.size());
    out.append(value.data(), value.size());
  }
  tlsCopies.clear();
  return out;
}

}  // namespace kiln::sched
