// combineByKey's three functions, the core of every by-key aggregation.
#pragma once

namespace kiln::detail {

// createCombiner(v) -> C starts a key's value, mergeValue(c, v) -> C adds a value,
// mergeCombiners(c1, c2) -> C merges two partial results (map side with reduce side).
template <class Create, class MergeValue, class MergeCombiners>
struct Aggregator {
  Create createCombiner;
  MergeValue mergeValue;
  MergeCombiners mergeCombiners;
};

// partitionBy, repartition: records move unchanged.
struct NoAggregation {};

}  // namespace kiln::detail
