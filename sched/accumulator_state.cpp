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

void writeAccumulatorValue(ByteBuffer& out, int id, const AccumulatorState& value) {
  ByteBuffer saved;
  value.save(saved);
  out.put(int32_t(id));
  out.putVarint(saved.size());
  out.append(saved.data(), saved.size());
}

ByteBuffer takeTaskAccumulators() {
  ByteBuffer out;
  out.putVarint(tlsCopies.size());
  for (auto& [id, copy] : tlsCopies) writeAccumulatorValue(out, id, *copy);
  tlsCopies.clear();
  return out;
}

}  // namespace kiln::sched
