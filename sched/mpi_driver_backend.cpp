#include "mpi_driver_backend.hpp"

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "control_protocol.hpp"
#include "stop_signal.hpp"

namespace kiln::sched {

namespace {

// An executor whose program has ended takes no more tasks: the job would wait for it forever.
Error executorLeft(int rank) {
  return Error("ranks diverged: the program on executor rank " + std::to_string(rank) +
               " ended while the driver ran a job; every rank must call the same actions in the "
               "same order (did a rank return from main early?)");
}

}  // namespace

MpiDriverBackend::MpiDriverBackend(MPI_Comm control, std::vector<int> executorCores)
    : toExecutors_(control, kTagToExecutor),
      fromExecutors_(control, kTagToDriver),
      cores_(std::move(executorCores)),
      outstanding_(cores_.size(), 0) {}

void MpiDriverBackend::post(int executor, ByteBuffer msg) {
  pending_.push_back(toExecutors_.startSend(executor + 1, std::move(msg)));
}

void MpiDriverBackend::progressSends() {
  std::erase_if(pending_, [](mpi::PendingSend& s) { return s.done(); });
}

void MpiDriverBackend::launch(int executor, const std::vector<TaskDescriptor>& tasks) {
  ByteBuffer msg;
  msg.put(ControlKind::RunTasks);
  msg.put(uint32_t(tasks.size()));
  for (const auto& t : tasks) encodeTask(msg, t);
  post(executor, std::move(msg));
  outstanding_[size_t(executor)] += int(tasks.size());
  backoff_.reset();
}

std::optional<TaskOutcome> MpiDriverBackend::nextOutcome(bool moreToLaunch) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  while (std::chrono::steady_clock::now() < deadline) {
    progressSends();
    if (auto m = fromExecutors_.tryReceive()) {
      backoff_.reset();
      ByteReader r(m->bytes.span());
      auto kind = r.get<ControlKind>();
      if (kind == ControlKind::StopRequested) {
        requestStop();  // the scheduler reads it after this call
        return std::nullopt;
      }
      if (kind == ControlKind::ProgramEnded) {
        leftRank_ = m->source;
        throw executorLeft(leftRank_);
      }
      if (kind != ControlKind::Outcome) throw Error("internal: unexpected message");
      return receiveOutcome(r, m->source);
    }
    auto d = backoff_.nextDelay(patience(moreToLaunch));
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }
  return std::nullopt;
}

std::chrono::microseconds MpiDriverBackend::patience(bool moreToLaunch) const {
  for (size_t e = 0; moreToLaunch && e < cores_.size(); ++e)
    if (outstanding_[e] < cores_[e]) return std::chrono::microseconds(0);
  return mpi::Backoff::patienceWhileTasksRun(typicalTask_.micros());
}

TaskOutcome MpiDriverBackend::receiveOutcome(ByteReader& r, int source) {
  size_t following = 0;
  TaskOutcome o = decodeOutcome(r, following);
  if (source >= 1 && size_t(source) <= outstanding_.size()) --outstanding_[size_t(source - 1)];
  typicalTask_.add(o.metrics.runMicros());
  if (following > 0) {  // the executor sent it right after the outcome
    o.result = fromExecutors_.receive(source).bytes;
    if (o.result.size() != following) throw Error("internal: a task result lost bytes");
  }
  return o;
}

void MpiDriverBackend::exchange(int shuffle, int numReducePartitions) {
  ByteBuffer msg;
  msg.put(ControlKind::Exchange);
  msg.put(int32_t(shuffle));
  msg.put(int32_t(numReducePartitions));
  for (int e = 0; e < numExecutors(); ++e) post(e, msg);
}

void MpiDriverBackend::sendToAllAndAwait(const ByteBuffer& msg, ControlKind reply,
                                         const std::function<void(ByteReader&)>& onReply) {
  for (int e = 0; e < numExecutors(); ++e) post(e, msg);
  awaitReplies(reply, onReply);
}

void MpiDriverBackend::awaitReplies(ControlKind reply,
                                    const std::function<void(ByteReader&)>& onReply) {
  int replies = 0;
  mpi::Backoff backoff;
  while (replies < numExecutors() || !pending_.empty()) {
    // Its reply would never come: the job that noticed it ends here, and with it the program.
    if (leftRank_ != 0) throw executorLeft(leftRank_);
    progressSends();
    if (auto m = fromExecutors_.tryReceive()) {
      backoff.reset();
      ByteReader r(m->bytes.span());
      auto kind = r.get<ControlKind>();
      if (kind == ControlKind::StopRequested) requestStop();
      if (kind == ControlKind::ProgramEnded) leftRank_ = m->source;
      if (kind == ControlKind::Outcome) receiveOutcome(r, m->source);  // a straggler: discarded
      if (kind != reply) continue;
      ++replies;
      onReply(r);
    } else {
      backoff.idle();
    }
  }
}

std::string MpiDriverBackend::restoreShuffle(int shuffle, int numReducePartitions,
                                             const std::string& dir) {
  ByteBuffer msg;
  msg.put(ControlKind::Restore);
  msg.put(int32_t(shuffle));
  msg.put(int32_t(numReducePartitions));
  msg.putString(dir);
  return awaitErrors(msg, ControlKind::RestoreDone);
}

std::string MpiDriverBackend::awaitErrors(const ByteBuffer& msg, ControlKind reply) {
  std::string errors;
  sendToAllAndAwait(msg, reply, [&](ByteReader& r) {
    bool ok = r.get<uint8_t>() != 0;
    std::string why(r.getString());
    if (!ok && errors.find(why) == std::string::npos) errors += (errors.empty() ? "" : "; ") + why;
  });
  return errors;
}

std::string MpiDriverBackend::collective(const ByteBuffer& plan) {
  ByteBuffer msg;
  msg.put(ControlKind::Collective);
  msg.append(plan.data(), plan.size());
  return awaitErrors(msg, ControlKind::CollectiveDone);
}

void MpiDriverBackend::beginEndJob(bool ok) {
  ByteBuffer msg;
  msg.put(ControlKind::JobEnd);
  msg.put(uint8_t(ok));
  for (int e = 0; e < numExecutors(); ++e) post(e, msg);
}

void MpiDriverBackend::finishEndJob() {
  awaitReplies(ControlKind::JobEndAck, [](ByteReader&) {});
}

}  // namespace kiln::sched
