#include "task.hpp"

namespace kiln::sched {

void encodeTask(ByteBuffer& out, const TaskDescriptor& t) {
  out.put(t.job);
  out.put(t.stage);
  out.put(t.kind);
  out.put(t.shuffle);
  out.put(t.index);
  out.put(t.partition);
  out.put(t.attempt);
}

TaskDescriptor decodeTask(ByteReader& in) {
  TaskDescriptor t;
  t.job = in.get<int64_t>();
  t.stage = in.get<int>();
  t.kind = in.get<TaskKind>();
  t.shuffle = in.get<int>();
  t.index = in.get<int>();
  t.partition = in.get<int>();
  t.attempt = in.get<int>();
  return t;
}

void encodeOutcome(ByteBuffer& out, const TaskOutcome& o) {
  encodeTask(out, o.task);
  out.put(o.executor);
  out.put(uint8_t(o.ok));
  out.putString(o.error);
  out.putVarint(o.result.size());
  if (!sentSeparately(o.result.size())) out.append(o.result.data(), o.result.size());
  out.putVarint(o.cachedBlocks.size());
  for (auto [rdd, p] : o.cachedBlocks) {
    out.put(int32_t(rdd));
    out.put(int32_t(p));
  }
  out.putVarint(o.accumulatorUpdates.size());
  out.append(o.accumulatorUpdates.data(), o.accumulatorUpdates.size());
  o.metrics.encode(out);
}

TaskOutcome decodeOutcome(ByteReader& in, size_t& followingResultBytes) {
  TaskOutcome o;
  o.task = decodeTask(in);
  o.executor = in.get<int>();
  o.ok = in.get<uint8_t>() != 0;
  o.error = std::string(in.getString());
  size_t n = in.getVarint();
  followingResultBytes = sentSeparately(n) ? n : 0;
  if (!followingResultBytes) o.result.append(in.take(n), n);
  for (uint64_t b = in.getVarint(); b > 0; --b) {
    int rdd = in.get<int32_t>();
    o.cachedBlocks.emplace_back(rdd, in.get<int32_t>());
  }
  size_t a = in.getVarint();
  o.accumulatorUpdates.append(in.take(a), a);
  o.metrics = TaskMetrics::decode(in);
  return o;
}

}  // namespace kiln::sched
