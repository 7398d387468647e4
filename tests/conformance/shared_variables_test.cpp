// Conformance: broadcast variables and accumulators, with Spark's counting guarantees.
#include <gtest/gtest.h>

#include "../test_support.hpp"

namespace kiln::test {
namespace {

TEST(ConformanceShared, BroadcastFromSparkDocs) {
  auto sc = makeContext();
  // b = sc.broadcast([1, 2, 3, 4, 5]); sc.parallelize([0, 0]).flatMap(lambda x: b.value)
  auto b = sc->broadcast(std::vector<int>{1, 2, 3, 4, 5});
  EXPECT_EQ(b.value(), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(
      sc->parallelize(std::vector<int>{0, 0}).flatMap([b](int) { return b.value(); }).collect(),
      (std::vector<int>{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}));
  // Every rank gets the driver's value, even when the ranks computed different ones.
  auto mine = sc->broadcast(std::string("from rank ") + std::to_string(sc->rank()));
  EXPECT_EQ(mine.value(), "from rank 0");
  auto lookup = sc->broadcast(std::map<int, std::string>{{1, "one"}, {2, "two"}});
  EXPECT_EQ(sc->parallelize(std::vector<int>{2, 1, 2}, 3)
                .map([lookup](int k) { return lookup.value().at(k); })
                .collect(),
            (std::vector<std::string>{"two", "one", "two"}));
}

TEST(ConformanceShared, AccumulatorFromSparkDocs) {
  auto sc = makeContext();
  // a = sc.accumulator(0); sc.parallelize([1, 2, 3]).foreach(lambda x: a.add(x)); a.value == 6
  auto a = sc->longAccumulator("sum");
  sc->parallelize(std::vector<long>{1, 2, 3}).foreach ([a](long x) { a.add(x); });
  EXPECT_EQ(a.value(), 6);
  EXPECT_EQ(a.get().count(), 3);
  auto d = sc->doubleAccumulator();
  sc->parallelize(std::vector<double>{0.5, 1.5}, 2).foreach ([d](double x) { d.add(x); });
  EXPECT_EQ(d.value(), 2.0);
  auto c = sc->collectionAccumulator<std::string>();
  sc->parallelize(std::vector<std::string>{"x", "y", "z"}, 3).foreach ([c](const std::string& s) {
    c.add(s);
  });
  EXPECT_EQ(sorted(c.value()), (std::vector<std::string>{"x", "y", "z"}));
}

TEST(ConformanceShared, ActionUpdatesCountOncePerPartitionDespiteRetries) {
  auto sc = makeContext();
  auto a = sc->longAccumulator();
  // Partition 1 adds, then fails on its first two attempts: only the successful attempt counts.
  sc->range(0, 100, 1, 4).foreach ([a](long x) {
    a.add(1);
    if (x == 30 && TaskContext::get()->attemptNumber() < 2) throw std::runtime_error("flaky");
  });
  EXPECT_EQ(a.value(), 100);
  // A failed job keeps the updates of its successful tasks only.
  auto ctx = makeContext({{"kiln.task.maxFailures", "1"}});
  auto bad = ctx->longAccumulator();
  EXPECT_THROW(ctx->range(0, 40, 1, 4).foreach ([bad](long x) {
    bad.add(1);
    if (x == 35) throw std::runtime_error("always");
  }),
               JobFailed);
  EXPECT_LE(bad.value(), 30);  // partition 3 (30..39) never counts
  EXPECT_EQ(bad.value() % 10, 0);
}

TEST(ConformanceShared, TransformationUpdatesFollowSparksWeakerRule) {
  auto sc = makeContext();
  auto seen = sc->longAccumulator();
  auto rdd = sc->range(0, 50, 1, 5).map([seen](long x) {
    seen.add(1);
    return x;
  });
  rdd.count();
  rdd.count();
  EXPECT_EQ(seen.value(), 100);  // the map ran twice: counted twice
  auto once = sc->longAccumulator();
  auto cached = sc->range(0, 50, 1, 5).map([once](long x) {
    once.add(1);
    return x;
  });
  cached.cache();
  cached.count();
  cached.count();
  EXPECT_EQ(once.value(), 50);  // cached: computed, and counted, once
}

// A user-defined accumulator: the maximum seen.
class MaxAccumulator final : public AccumulatorV2<long, long> {
 public:
  void add(const long& v) override { max_ = std::max(max_, v); }
  void merge(const AccumulatorV2& o) override {
    max_ = std::max(max_, static_cast<const MaxAccumulator&>(o).max_);
  }
  long value() const override { return max_; }
  std::unique_ptr<AccumulatorV2> zero() const override {
    return std::make_unique<MaxAccumulator>();
  }
  void save(ByteBuffer& out) const override { out.put(max_); }
  void load(ByteReader& in) override { max_ = in.get<long>(); }

 private:
  long max_ = LONG_MIN;
};

TEST(ConformanceShared, UserDefinedAccumulator) {
  auto sc = makeContext();
  auto m = sc->accumulator(MaxAccumulator(), "max");
  auto data = randomValues<long>(1000, 5, 100000);
  sc->parallelize(data, 7).foreach ([m](long x) { m.add(x); });
  EXPECT_EQ(m.value(), *std::max_element(data.begin(), data.end()));
  EXPECT_EQ(m.name(), "max");
}

}  // namespace
}  // namespace kiln::test
