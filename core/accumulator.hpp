// Accumulators (Spark's AccumulatorV2): values that tasks add to and the driver reads.
//
// Spark's guarantee holds: updates made in an action's tasks count exactly once per partition,
// even when a task is retried (a failed attempt's updates are dropped; a successful task's are
// merged once). Updates made inside transformations count each time the stage that runs them
// succeeds: again if a later job recomputes it, once if the RDD was cached. After every job,
// value() is the same on every rank. Call add() from the task's own thread: updates from threads
// a task starts itself (e.g. an OpenMP loop inside the task) are not counted.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../sched/accumulator_state.hpp"
#include "../sched/runtime.hpp"
#include "../sched/task_context.hpp"
#include "serialization/codec.hpp"

namespace kiln {

// Implement this for your own accumulator: its state must survive save/load (kiln's codec).
template <class In, class Out>
class AccumulatorV2 : public sched::AccumulatorState {
 public:
  using input_type = In;
  virtual void add(const In& v) = 0;
  virtual void merge(const AccumulatorV2& other) = 0;
  virtual Out value() const = 0;
  // A new accumulator of the same kind at the zero value.
  virtual std::unique_ptr<AccumulatorV2> zero() const = 0;
  virtual void load(ByteReader& in) = 0;  // the inverse of save

  std::unique_ptr<sched::AccumulatorState> zeroCopy() const final { return zero(); }
  void mergeSaved(ByteReader& in) final {
    auto other = zero();
    other->load(in);
    merge(*other);
  }
  void loadSaved(ByteReader& in) final { load(in); }
};

// Sums numbers and counts the additions: Spark's LongAccumulator and DoubleAccumulator.
template <class N>
class SumAccumulator final : public AccumulatorV2<N, N> {
 public:
  void add(const N& v) override {
    sum_ += v;
    ++count_;
  }
  void merge(const AccumulatorV2<N, N>& o) override {
    auto& other = static_cast<const SumAccumulator&>(o);
    sum_ += other.sum_;
    count_ += other.count_;
  }
  N value() const override { return sum_; }
  N sum() const { return sum_; }
  long count() const { return count_; }
  double avg() const { return double(sum_) / double(count_); }
  std::unique_ptr<AccumulatorV2<N, N>> zero() const override {
    return std::make_unique<SumAccumulator>();
  }
  void save(ByteBuffer& out) const override {
    out.put(sum_);
    out.put(count_);
  }
  void load(ByteReader& in) override {
    sum_ = in.get<N>();
    count_ = in.get<long>();
  }

 private:
  N sum_ = 0;
  long count_ = 0;
};
using LongAccumulator = SumAccumulator<long>;
using DoubleAccumulator = SumAccumulator<double>;

// Collects values (Spark's CollectionAccumulator); merge order follows task completion.
template <class T>
class CollectionAccumulator final : public AccumulatorV2<T, std::vector<T>> {
 public:
  void add(const T& v) override { items_.push_back(v); }
  void merge(const AccumulatorV2<T, std::vector<T>>& o) override {
    auto& other = static_cast<const CollectionAccumulator&>(o);
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  }
  std::vector<T> value() const override { return items_; }
  std::unique_ptr<AccumulatorV2<T, std::vector<T>>> zero() const override {
    return std::make_unique<CollectionAccumulator>();
  }
  void save(ByteBuffer& out) const override { encode(out, items_); }
  void load(ByteReader& in) override { items_ = decode<std::vector<T>>(in); }

 private:
  std::vector<T> items_;
};

// A handle to a registered accumulator; copy it into task lambdas freely.
template <class Impl>
class Accumulator {
  struct Registration {
    std::shared_ptr<sched::Runtime> rt;
    int id;
    std::string name;
    Impl value;
    ~Registration() { rt->unregisterAccumulator(id); }
  };

 public:
  Accumulator(std::shared_ptr<sched::Runtime> rt, std::string name, Impl initial = Impl())
      : reg_(std::make_shared<Registration>(
            Registration{rt, rt->newAccumulatorId(), std::move(name), std::move(initial)})) {
    rt->registerAccumulator(reg_->id, &reg_->value);
  }
  // Inside a task: into the task's own copy. Elsewhere: into this rank's value.
  void add(const typename Impl::input_type& v) const {
    if (TaskContext::get())
      static_cast<Impl&>(sched::taskAccumulatorCopy(reg_->id, reg_->value)).Impl::add(v);
    else
      reg_->value.Impl::add(v);
  }
  auto value() const { return reg_->value.value(); }
  // The accumulator itself, for extra accessors (count(), avg(), ...).
  const Impl& get() const { return reg_->value; }
  const std::string& name() const { return reg_->name; }
  int id() const { return reg_->id; }

 private:
  std::shared_ptr<Registration> reg_;
};

}  // namespace kiln
