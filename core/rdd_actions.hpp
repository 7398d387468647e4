// Definitions of RDD's actions (declared and documented in rdd.hpp). Each runs one job (take
// may run several) whose per-partition results every rank decodes and merges the same way.
#pragma once

#include <algorithm>
#include <cstdio>
#include <optional>

#include "../io/output_directory.hpp"
#include "../sched/task_context.hpp"
#include "flat_hash_map.hpp"
#include "rdd.hpp"
#include "text_format.hpp"

namespace kiln {

namespace detail {
// Thrown inside a task to stop computing a partition once enough records were seen.
struct StopPartition {};

template <class T>
std::vector<T> decodeAll(const ByteBuffer& bytes) {
  std::vector<T> out;
  ByteReader in(bytes.span());
  while (!in.atEnd()) out.push_back(decode<T>(in));
  return out;
}

// Runs a job whose per-partition results are merged on the driver (JobHooks::merge):
// run(hooks) runs it, merge(results) -> U. The other ranks get only the merged value, encoded
// once; every rank then decodes those same bytes (so even a hash map iterates alike
// everywhere). In local mode the merged value is kept, never encoded.
template <class U, class Run, class Merge>
U mergedOnDriver(Run run, Merge merge) {
  std::optional<U> kept;
  sched::JobHooks hooks;  // used only while run() runs
  hooks.merge = [&](std::vector<ByteBuffer>& results, bool forOtherRanks) {
    ByteBuffer out;
    if (forOtherRanks)
      encode(out, merge(results));
    else
      kept.emplace(merge(results));
    return out;
  };
  std::vector<ByteBuffer> results = run(hooks);
  if (kept) return std::move(*kept);
  ByteReader in(results.at(0).span());
  return decode<U>(in);
}
}  // namespace detail

template <class T>
std::vector<int> RDD<T>::allPartitions() const {
  std::vector<int> p(static_cast<size_t>(getNumPartitions()));
  for (size_t i = 0; i < p.size(); ++i) p[i] = int(i);
  return p;
}

template <class T>
std::vector<ByteBuffer> RDD<T>::runJob(std::vector<int> partitions,
                                       std::function<ByteBuffer(int)> perPartition,
                                       const sched::JobHooks& hooks) const {
  return node_->runtime().runJob(*node_, partitions, std::move(perPartition), hooks);
}

template <class T>
std::vector<T> RDD<T>::collect() const {
  auto node = node_;
  auto results = runJob(allPartitions(), [node](int p) {
    ByteBuffer out;
    auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
      for (const T& x : block) encode(out, x);
    });
    node->compute(p, sink);
    return out;
  });
  std::vector<T> all;
  for (const auto& r : results) {
    ByteReader in(r.span());
    while (!in.atEnd()) all.push_back(decode<T>(in));
  }
  return all;
}

template <class T>
std::vector<long> RDD<T>::partitionCounts() const {
  auto node = node_;
  auto results = runJob(allPartitions(), [node](int p) {
    int64_t n = 0;
    auto sink =
        detail::makeReadingSink<T>([&](std::span<const T> block) { n += int64_t(block.size()); });
    node->compute(p, sink);
    ByteBuffer out;
    out.put(n);
    return out;
  });
  std::vector<long> counts;
  for (const auto& r : results) counts.push_back(long(ByteReader(r.span()).get<int64_t>()));
  return counts;
}

template <class T>
long RDD<T>::count() const {
  long total = 0;
  for (long n : partitionCounts()) total += n;
  return total;
}

template <class T>
template <class U, class Seq, class Comb>
U RDD<T>::aggregate(U zeroValue, Seq seqOp, Comb combOp) const {
  static_assert(std::is_invocable_r_v<U, Seq&, U&&, const T&>,
                "kiln: aggregate: seqOp must be (U, T) -> U");
  static_assert(std::is_invocable_r_v<U, Comb&, U&&, U&&>,
                "kiln: aggregate: combOp must be (U, U) -> U");
  static_assert(Serializable<U>, KILN_SERIALIZABLE_MESSAGE);
  auto node = node_;
  auto task = [node, zeroValue, seqOp](int p) {
    U acc = zeroValue;
    auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
      for (const T& x : block) acc = seqOp(std::move(acc), x);
    });
    node->compute(p, sink);
    ByteBuffer out;
    encode(out, acc);
    return out;
  };
  return detail::mergedOnDriver<U>(
      [&](const sched::JobHooks& hooks) { return runJob(allPartitions(), std::move(task), hooks); },
      [&](std::vector<ByteBuffer>& results) {
        U acc = std::move(zeroValue);  // merged once, after the tasks used their own copies
        for (const auto& r : results) {
          ByteReader in(r.span());
          acc = combOp(std::move(acc), decode<U>(in));
        }
        return acc;
      });
}

template <class T>
template <class F>
T RDD<T>::fold(T zeroValue, F f) const {
  static_assert(std::is_invocable_r_v<T, F&, T&&, const T&>,
                "kiln: fold(zero, f): f must be (T, T) -> T");
  return aggregate(std::move(zeroValue), f, f);
}

template <class T>
template <class F>
T RDD<T>::reduce(F f) const {
  static_assert(std::is_invocable_r_v<T, F&, T&&, const T&>,
                "kiln: reduce(f): f must be (T, T) -> T");
  auto node = node_;
  auto task = [node, f](int p) {
    std::optional<T> acc;
    auto sink = detail::makeSink<T>([&](std::span<T> block) {
      for (T& x : block) acc = acc ? T(f(std::move(*acc), x)) : std::move(x);
    });
    node->compute(p, sink);
    ByteBuffer out;
    encode(out, acc);
    return out;
  };
  auto acc = detail::mergedOnDriver<std::optional<T>>(
      [&](const sched::JobHooks& hooks) { return runJob(allPartitions(), std::move(task), hooks); },
      [&](std::vector<ByteBuffer>& results) {
        std::optional<T> acc;
        for (const auto& r : results) {
          ByteReader in(r.span());
          auto part = decode<std::optional<T>>(in);
          if (part) acc = acc ? T(f(std::move(*acc), *part)) : std::move(*part);
        }
        return acc;
      });
  if (!acc) throw Error("reduce: the RDD is empty (use fold with a zero value instead)");
  return std::move(*acc);
}

template <class T>
std::vector<T> RDD<T>::take(long num) const {
  std::vector<T> taken;
  if (num <= 0) return taken;
  auto node = node_;
  const int total = getNumPartitions();
  int scanned = 0;
  // As Spark: try one partition, then grow the number tried by what the first ones yielded.
  while (long(taken.size()) < num && scanned < total) {
    long tryParts = 1;
    if (scanned > 0) {
      tryParts = long(scanned) * 4;
      if (!taken.empty())
        tryParts = std::min(
            tryParts,
            std::max(1L, long(1.5 * double(num) * scanned / double(taken.size())) - scanned));
    }
    std::vector<int> parts;
    for (int p = scanned; p < total && long(parts.size()) < tryParts; ++p) parts.push_back(p);
    long want = num - long(taken.size());
    auto results = runJob(parts, [node, want](int p) {
      ByteBuffer out;
      long n = 0;
      auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
        for (const T& x : block) {
          encode(out, x);
          if (++n == want) throw detail::StopPartition{};
        }
      });
      try {
        node->compute(p, sink);
      } catch (const detail::StopPartition&) {
      }
      return out;
    });
    for (const auto& r : results) {
      ByteReader in(r.span());
      while (!in.atEnd() && long(taken.size()) < num) taken.push_back(decode<T>(in));
    }
    scanned += int(parts.size());
  }
  return taken;
}

template <class T>
T RDD<T>::first() const {
  auto one = take(1);
  if (one.empty()) throw Error("first: the RDD is empty");
  return std::move(one.front());
}

template <class T>
bool RDD<T>::isEmpty() const {
  return getNumPartitions() == 0 || take(1).empty();
}

template <class T>
template <class Comp>
std::vector<T> RDD<T>::takeOrdered(long num, Comp comp) const {
  static_assert(std::is_invocable_r_v<bool, Comp&, const T&, const T&>,
                "kiln: takeOrdered/top: comp must be a less-than on the element type");
  if (num <= 0) return {};
  auto node = node_;
  auto results = runJob(allPartitions(), [node, num, comp](int p) {
    // A max-heap of the num smallest seen so far.
    std::vector<T> heap;
    auto sink = detail::makeSink<T>([&](std::span<T> block) {
      for (T& x : block) {
        if (long(heap.size()) < num) {
          heap.push_back(std::move(x));
          std::push_heap(heap.begin(), heap.end(), comp);
        } else if (comp(x, heap.front())) {
          std::pop_heap(heap.begin(), heap.end(), comp);
          heap.back() = std::move(x);
          std::push_heap(heap.begin(), heap.end(), comp);
        }
      }
    });
    node->compute(p, sink);
    ByteBuffer out;
    for (const T& x : heap) encode(out, x);
    return out;
  });
  std::vector<T> all;
  for (const auto& r : results) {
    auto part = detail::decodeAll<T>(r);
    all.insert(all.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  size_t n = std::min(all.size(), size_t(num));
  std::partial_sort(all.begin(), all.begin() + long(n), all.end(), comp);
  all.resize(n);
  return all;
}

template <class T>
template <class Comp>
std::vector<T> RDD<T>::top(long num, Comp comp) const {
  return takeOrdered(num, [comp](const T& a, const T& b) { return comp(b, a); });
}

template <class T>
template <class F>
void RDD<T>::foreach (F f) const {
  static_assert(std::is_invocable_v<F&, const T&>, "kiln: foreach(f): f must accept const T&");
  auto node = node_;
  runJob(allPartitions(), [node, f](int p) {
    F g = f;  // each task its own copy, as each Spark task deserializes its own closure
    auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
      for (const T& x : block) g(x);
    });
    node->compute(p, sink);
    return ByteBuffer();
  });
}

template <class T>
template <class F>
void RDD<T>::foreachPartition(F f) const {
  static_assert(std::is_invocable_v<F&, std::vector<T>&>,
                "kiln: foreachPartition(f): f must accept std::vector<T>&");
  auto node = node_;
  runJob(allPartitions(), [node, f](int p) {
    F g = f;
    std::vector<T> records;
    auto sink = detail::makeSink<T>([&](std::span<T> block) {
      for (T& x : block) records.push_back(std::move(x));
    });
    node->compute(p, sink);
    g(records);
    return ByteBuffer();
  });
}

namespace detail {
// Spark's countByKey/countByValue: a (key, 1) per record, summed by a shuffle, collected.
template <class Key, class T, class KeyOf>
std::unordered_map<Key, long, Hash<Key>> countBy(const RDD<T>& rdd, KeyOf keyOf) {
  auto counts = rdd.map([keyOf](const T& x) { return std::pair<Key, long>(keyOf(x), 1L); })
                    .reduceByKey([](long a, long b) { return a + b; })
                    .collect();
  std::unordered_map<Key, long, Hash<Key>> out;
  for (auto& [k, n] : counts) out.emplace(std::move(k), n);
  return out;
}
}  // namespace detail

template <class T>
auto RDD<T>::countByKey() const {
  KILN_REQUIRE_PAIR("countByKey");
  return detail::countBy<K>(*this, [](const T& kv) { return kv.first; });
}

template <class T>
std::unordered_map<T, long, Hash<T>> RDD<T>::countByValue() const {
  return detail::countBy<T>(*this, [](const T& x) { return x; });
}

template <class T>
auto RDD<T>::collectAsMap() const {
  KILN_REQUIRE_PAIR("collectAsMap");
  std::unordered_map<K, V, Hash<K>> out;
  for (auto& [k, v] : collect()) out.insert_or_assign(std::move(k), std::move(v));
  return out;
}

template <class T>
std::vector<typename RDD<T>::V> RDD<T>::lookup(const K& key) const {
  KILN_REQUIRE_PAIR("lookup");
  std::vector<int> parts = allPartitions();
  if (auto part = partitioner()) parts = {part->getPartition(key)};
  auto node = node_;
  auto results = runJob(parts, [node, key](int p) {
    ByteBuffer out;
    auto sink = detail::makeReadingSink<T>([&](std::span<const T> block) {
      for (const T& kv : block)
        if (kv.first == key) encode(out, kv.second);
    });
    node->compute(p, sink);
    return out;
  });
  std::vector<V> values;
  for (const auto& r : results)
    for (auto& v : detail::decodeAll<V>(r)) values.push_back(std::move(v));
  return values;
}

template <class T>
template <class F>
std::unordered_map<typename RDD<T>::K, typename RDD<T>::V, Hash<typename RDD<T>::K>>
RDD<T>::reduceByKeyLocally(F f) const {
  KILN_REQUIRE_PAIR("reduceByKeyLocally");
  static_assert(std::is_invocable_r_v<V, const F&, V&&, V&&>,
                "kiln: reduceByKeyLocally(f): f must be (V, V) -> V");
  auto merge = [f](V&& a, V&& b) { return V(f(std::move(a), std::move(b))); };
  auto node = node_;
  auto results = runJob(allPartitions(), [node, merge](int p) {
    detail::FlatHashMap<K, V> m;
    auto sink = detail::makeSink<T>([&](std::span<T> block) {
      m.upsertBlock(
          block, [](V&& v) { return std::move(v); }, merge);
    });
    node->compute(p, sink);
    ByteBuffer out;
    for (const auto& e : m.entries()) encode(out, e.kv);
    return out;
  });
  std::unordered_map<K, V, Hash<K>> out;
  for (const auto& r : results)
    for (auto& [k, v] : detail::decodeAll<T>(r)) {
      auto it = out.find(k);
      if (it == out.end())
        out.emplace(std::move(k), std::move(v));
      else
        it->second = merge(std::move(it->second), std::move(v));
    }
  return out;
}

template <class T>
template <class Encode>
void RDD<T>::saveAsPartFiles(const std::string& path, const char* what, Encode encode) const {
  auto node = node_;
  sched::JobHooks hooks;
  // Only a directory this job created is removed when it fails: never one that was there.
  auto created = std::make_shared<bool>(false);
  const std::string name = what;
  hooks.prepare = [path, created, name] {
    try {
      io::createOutputDirectory(path);
    } catch (const Error& e) {
      throw Error(name + ": " + e.what());
    }
    *created = true;
  };
  hooks.commit = [path](const std::vector<ByteBuffer>&) { io::commitOutputDirectory(path); };
  hooks.abort = [path, created] {
    if (*created) io::abortOutputDirectory(path);
  };
  runJob(
      allPartitions(),
      [node, path, name, encode](int p) {
        int attempt = TaskContext::get() ? TaskContext::get()->attemptNumber() : 0;
        std::string file = io::attemptFilePath(path, p, attempt);
        std::FILE* f = std::fopen(file.c_str(), "wb");
        if (!f) throw Error(name + ": cannot create " + file);
        std::string buf;
        bool ok = true;
        auto flush = [&] {
          ok = ok && std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
          sched::countOutputBytes(buf.size());
          buf.clear();
        };
        auto sink = detail::makeSink<T>([&](std::span<T> block) {
          encode(block, buf);
          if (buf.size() >= (1 << 20)) flush();
        });
        try {
          node->compute(p, sink);
        } catch (...) {
          std::fclose(f);
          throw;
        }
        flush();
        ok = (std::fclose(f) == 0) && ok;
        if (!ok) throw Error(name + ": error writing " + file + " (disk full?)");
        io::commitAttemptFile(path, p, attempt);
        return ByteBuffer();
      },
      hooks);
}

template <class T>
void RDD<T>::saveAsTextFile(const std::string& path) const {
  saveAsPartFiles(path, "saveAsTextFile", [](std::span<T> block, std::string& buf) {
    for (const T& x : block) {
      detail::appendText(buf, x);
      buf.push_back('\n');
    }
  });
}

template <class T>
void RDD<T>::saveAsBinaryRecords(const std::string& path) const {
  static_assert(std::is_trivially_copyable_v<T>,
                "kiln: saveAsBinaryRecords: the element type must be trivially copyable (its "
                "bytes are written as they are); use saveAsTextFile or saveAsHDF5 otherwise");
  saveAsPartFiles(path, "saveAsBinaryRecords", [](std::span<T> block, std::string& buf) {
    buf.append(reinterpret_cast<const char*>(block.data()), block.size() * sizeof(T));
  });
}

}  // namespace kiln
