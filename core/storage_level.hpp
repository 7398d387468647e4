// Where persisted partitions are kept (Spark's StorageLevel).
#pragma once

#include <string>

namespace kiln {

enum class StorageLevel {
  NONE,
  MEMORY_ONLY,      // as records in executor memory; lost ones are recomputed
  MEMORY_ONLY_SER,  // the levels below need the HDF5 storage layer (not yet available)
  MEMORY_AND_DISK,
  MEMORY_AND_DISK_SER,
  DISK_ONLY,
};

inline std::string toString(StorageLevel level) {
  switch (level) {
    case StorageLevel::NONE:
      return "NONE";
    case StorageLevel::MEMORY_ONLY:
      return "MEMORY_ONLY";
    case StorageLevel::MEMORY_ONLY_SER:
      return "MEMORY_ONLY_SER";
    case StorageLevel::MEMORY_AND_DISK:
      return "MEMORY_AND_DISK";
    case StorageLevel::MEMORY_AND_DISK_SER:
      return "MEMORY_AND_DISK_SER";
    case StorageLevel::DISK_ONLY:
      return "DISK_ONLY";
  }
  return "?";
}

}  // namespace kiln
