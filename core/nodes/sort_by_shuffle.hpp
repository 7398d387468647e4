// sortBy(keyOf) on large records with small keys (TeraSort's 100-byte records, 10-byte keys):
// the records move through the shuffle as themselves, each to the range partition of its key,
// and each output partition sorts them by keyOf. The general sortBy shuffles (key, record) pairs
// instead: a keyed copy of every record made, written, read, sorted and dropped again, with the
// key's bytes moved twice.
#pragma once

#include <memory>
#include <string>

#include "../../sched/map_output_writer.hpp"
#include "../external_sorter.hpp"
#include "../node.hpp"
#include "../partitioner.hpp"
#include "../serialization/codec.hpp"
#include "shuffle_reader.hpp"
#include "typed_shuffle_dependency.hpp"

namespace kiln::detail {

// Whether sortBy(keyOf) on records of type T takes this path: records the sorter handles as
// tags (large, plain bytes, small key), and a key function callable as const (it is shared by
// the tasks of both sides). Checked in this order so a mutable lambda never reaches the sorter.
template <class T, class KeyOf, class Less, bool = std::is_invocable_v<const KeyOf&, const T&>>
inline constexpr bool kSortsRecordsThemselves = false;
template <class T, class KeyOf, class Less>
inline constexpr bool kSortsRecordsThemselves<T, KeyOf, Less, true> =
    (ExternalSorter<T, KeyOf, Less>::kSortTags &&
     std::is_default_constructible_v<std::decay_t<std::invoke_result_t<const KeyOf&, const T&>>>);

// The map side: each record goes to the bucket of partitioner(keyOf(record)).
template <class T, class KeyOf, class Key>
class KeyedRecordShuffleDependency final : public TypedShuffleDependency<T> {
 public:
  KeyedRecordShuffleDependency(NodePtr<T> parent,
                               std::shared_ptr<const Partitioner<Key>> partitioner, KeyOf keyOf)
      : TypedShuffleDependency<T>(std::move(parent), partitioner->numPartitions()),
        partitioner_(std::move(partitioner)),
        keyOf_(std::move(keyOf)) {}
  const KeyOf& keyOf() const { return keyOf_; }
  std::string identityParameters() const override {
    return sched::ShuffleDependency::identityParameters() + "|" + partitioner_->describe();
  }

  void runMapTask(int partition, sched::MapOutputWriter& out) const override {
    // The partitioner is asked a chunk of keys at a time (one virtual call per chunk).
    constexpr size_t kChunk = 256;
    Key keys[kChunk];
    const Key* keyAt[kChunk];
    int parts[kChunk];
    auto sink = makeReadingSink<T>([&](std::span<const T> block) {
      for (size_t base = 0; base < block.size(); base += kChunk) {
        const size_t m = std::min(kChunk, block.size() - base);
        for (size_t i = 0; i < m; ++i) {
          keys[i] = keyOf_(block[base + i]);
          keyAt[i] = &keys[i];
        }
        partitioner_->getPartitions(std::span<const Key* const>(keyAt, m), parts);
        checkPartitions(*partitioner_, parts, m);
        for (size_t i = 0; i < m; ++i) encode(out.bucket(parts[i]), block[base + i]);
      }
      out.spillIfOverLimit();
    });
    this->parent()->compute(partition, sink);
  }

 private:
  std::shared_ptr<const Partitioner<Key>> partitioner_;
  KeyOf keyOf_;
};

// The reduce side: a partition's records, sorted by keyOf (stable, spilling past the task's
// memory share like sortByKey's).
template <class T, class KeyOf, class Key, class Less>
class SortedByKeyOfNode final : public Node<T> {
  using Dep = KeyedRecordShuffleDependency<T, KeyOf, Key>;

 public:
  SortedByKeyOfNode(std::shared_ptr<const Dep> dep, bool ascending, Less less)
      : Node<T>(dep->parent()->runtimePtr(), dep->numReducePartitions(), "sortBy"),
        dep_(std::move(dep)),
        ascending_(ascending),
        less_(std::move(less)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {{nullptr, dep_.get()}}; }
  int doLocation(int p, int numExecutors) const override {
    return sched::shuffleOwner(p, numExecutors);
  }
  std::string identityParameters() const override {
    return Node<T>::identityParameters() + (ascending_ ? "|asc" : "|desc");
  }
  void doCompute(int p, BlockSink<T>& out) const override {
    const int shuffle = dep_->shuffleId();
    ExternalSorter<T, KeyOf, Less> sorter(this->runtime(), ascending_, less_, dep_->keyOf());
    sorter.expect(shuffleRecordCount<T>(this->runtime(), shuffle, p));
    readShuffleBlocks<T>(this->runtime(), shuffle, p,
                         [&](std::span<T> block) { sorter.insertBlock(block); });
    sorter.emitTo(out);
  }

 private:
  std::shared_ptr<const Dep> dep_;
  bool ascending_;
  Less less_;
};

}  // namespace kiln::detail
