// cogroup of pair RDDs with the same key type: for every key, the values of each input.
// An input already partitioned by the target partitioner is read in place (narrow); the others
// are shuffled to it.
#pragma once

#include <tuple>
#include <vector>

#include "../external_aggregator.hpp"
#include "shuffle_dependency.hpp"
#include "shuffle_reader.hpp"

namespace kiln::detail {

template <class K, class... Vs>
class CoGroupNode final : public Node<std::pair<K, std::tuple<std::vector<Vs>...>>> {
 public:
  using Groups = std::tuple<std::vector<Vs>...>;
  using Out = std::pair<K, Groups>;

  CoGroupNode(std::tuple<NodePtr<std::pair<K, Vs>>...> parents,
              std::shared_ptr<const Partitioner<K>> partitioner)
      : Node<Out>(std::get<0>(parents)->runtimePtr(), partitioner->numPartitions(), "cogroup"),
        parents_(std::move(parents)) {
    this->setPartitioner(partitioner);
    forEachInput([&]<size_t I>() {
      auto& parent = std::get<I>(parents_);
      if (!samePartitioner(parent->partitioner().get(), partitioner.get()))
        std::get<I>(deps_) =
            std::make_shared<PairShuffleDependency<K, Input<I>, Input<I>, NoAggregation>>(
                parent, partitioner, NoAggregation{}, false);
    });
  }

  std::vector<sched::Dependency> doDependencies() const override {
    std::vector<sched::Dependency> deps;
    forEachInput([&]<size_t I>() {
      if (std::get<I>(deps_))
        deps.push_back({nullptr, std::get<I>(deps_).get()});
      else
        deps.push_back({std::get<I>(parents_).get(), nullptr});
    });
    return deps;
  }
  // Shuffled inputs land on the partition's owner; inputs read in place are partitioned the
  // same way, so they live there too.
  int doLocation(int p, int numExecutors) const override {
    int loc = -1;
    forEachInput([&]<size_t I>() {
      if (loc >= 0) return;
      loc = std::get<I>(deps_) ? sched::shuffleOwner(p, numExecutors)
                               : std::get<I>(parents_)->location(p, numExecutors);
    });
    return loc;
  }

  void doCompute(int p, BlockSink<Out>& out) const override {
    // Past the task's memory share, groups spill by key hash and merge by concatenation.
    auto concat = [](Groups&& a, Groups&& b) {
      [&]<size_t... I>(std::index_sequence<I...>) {
        (std::get<I>(a).insert(std::get<I>(a).end(),
                               std::make_move_iterator(std::get<I>(b).begin()),
                               std::make_move_iterator(std::get<I>(b).end())),
         ...);
      }
      (std::index_sequence_for<Vs...>{});
      return std::move(a);
    };
    ExternalAggregator<K, Groups, decltype(concat)> groups(this->runtime(), concat);
    forEachInput([&]<size_t I>() {
      using V = Input<I>;
      auto add = [&](std::span<std::pair<K, V>> block) {
        groups.insertBlock(
            block,
            [](V&& v) {
              Groups g;
              std::get<I>(g).push_back(std::move(v));
              return g;
            },
            [](Groups&& g, V&& v) {
              std::get<I>(g).push_back(std::move(v));
              return std::move(g);
            });
      };
      if (auto& dep = std::get<I>(deps_)) {
        readShuffleBlocks<std::pair<K, V>>(this->runtime(), dep->shuffleId(), p, add);
      } else {
        auto sink = makeSink<std::pair<K, V>>(add);
        std::get<I>(parents_)->compute(p, sink);
      }
    });
    groups.emitTo(out);
  }

 private:
  template <size_t I>
  using Input = std::tuple_element_t<I, std::tuple<Vs...>>;
  template <class F>
  void forEachInput(F&& f) const {
    [&]<size_t... I>(std::index_sequence<I...>) { (f.template operator()<I>(), ...); }
    (std::index_sequence_for<Vs...>{});
  }

  std::tuple<NodePtr<std::pair<K, Vs>>...> parents_;
  std::tuple<std::shared_ptr<const PairShuffleDependency<K, Vs, Vs, NoAggregation>>...> deps_;
};

}  // namespace kiln::detail
