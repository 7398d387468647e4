// Spark's toDebugString: the lineage of an RDD, one line per RDD, indented one level at every
// shuffle boundary (marked "+-").
#pragma once

#include <string>

#include "lineage.hpp"

namespace kiln::sched {

std::string lineageString(const LineageNode& rdd);

}  // namespace kiln::sched
