// Caching a computed partition in the executor's block store.
#pragma once

#include <memory>
#include <vector>

#include "../sched/runtime.hpp"
#include "memory_estimate.hpp"
#include "serialization/codec.hpp"
#include "storage_level.hpp"

namespace kiln::detail {

// Puts a partition's records into the executor's block store at a storage level, with what the
// store needs to spill them (their size, and how to write and read them).
template <class T>
void storeBlock(sched::Runtime& rt, int rdd, int partition, std::shared_ptr<std::vector<T>> records,
                StorageLevel level) {
  using Store = sched::BlockStore;
  Store::Residence residence = level == StorageLevel::DISK_ONLY ? Store::Residence::Disk
                               : level == StorageLevel::MEMORY_AND_DISK
                                   ? Store::Residence::MemoryOrDisk
                                   : Store::Residence::Memory;
  Store::Codec codec{[](const void* b) {
                       ByteBuffer out;
                       for (const T& x : *static_cast<const std::vector<T>*>(b)) encode(out, x);
                       return out;
                     },
                     [](ByteReader& in) -> Store::Block {
                       auto v = std::make_shared<std::vector<T>>();
                       while (!in.atEnd()) v->push_back(decode<T>(in));
                       return v;
                     }};
  uint64_t bytes = estimateBytes(*records);
  rt.blockStore().put(rdd, partition, std::move(records), bytes, residence, std::move(codec));
}

}  // namespace kiln::detail
