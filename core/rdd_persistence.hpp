// Definitions of persist and unpersist (declared and documented in rdd.hpp).
#pragma once

#include "rdd.hpp"

namespace kiln {

template <class T>
const RDD<T>& RDD<T>::persist(StorageLevel level) const {
  if (level == StorageLevel::MEMORY_ONLY_SER || level == StorageLevel::MEMORY_AND_DISK_SER)
    throw Error("persist: storage level " + toString(level) +
                " is not available; use MEMORY_ONLY, MEMORY_AND_DISK or DISK_ONLY");
  StorageLevel current = node_->storageLevel();
  if (current != StorageLevel::NONE && current != level)
    throw Error("persist: cannot change the storage level of RDD " + std::to_string(id()) +
                " from " + toString(current) + " to " + toString(level) + "; unpersist it first");
  node_->setStorageLevel(level);
  return *this;
}

template <class T>
const RDD<T>& RDD<T>::unpersist() const {
  node_->setStorageLevel(StorageLevel::NONE);
  return *this;
}

}  // namespace kiln
