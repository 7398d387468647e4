// A stable name for an RDD's contents: a hash of its lineage (operations, partition counts,
// shuffle boundaries, the sources' inputs) and a salt (the program binary, a user tag). Two
// runs of the same program on the same inputs give the same identity; checkpoints use it.
#pragma once

#include <string>

#include "lineage.hpp"

namespace kiln::sched {

std::string lineageIdentity(const LineageNode& rdd, const std::string& salt);
// The same for the data a shuffle writes: its map side's lineage and its own parameters.
std::string shuffleIdentity(const ShuffleDependency& shuffle, const std::string& salt);
// The running program's binary as size and modification time: a rebuilt program gets new
// identities (its closures may have changed).
std::string executableStamp();
// FNV-1a, 64 bits, as 16 hex digits.
std::string hashHex(const void* data, size_t size);

}  // namespace kiln::sched
