// HDF5 type ids for Kiln's element kinds. Private to io/: only .cpp files include it (it pulls in
// hdf5.h).
#pragma once

#include <hdf5.h>

#include "hdf5_reader.hpp"

namespace kiln::io {

inline hid_t nativeType(ScalarKind k) {
  switch (k) {
    case ScalarKind::Int8:
      return H5T_NATIVE_INT8;
    case ScalarKind::Int16:
      return H5T_NATIVE_INT16;
    case ScalarKind::Int32:
      return H5T_NATIVE_INT32;
    case ScalarKind::Int64:
      return H5T_NATIVE_INT64;
    case ScalarKind::UInt8:
      return H5T_NATIVE_UINT8;
    case ScalarKind::UInt16:
      return H5T_NATIVE_UINT16;
    case ScalarKind::UInt32:
      return H5T_NATIVE_UINT32;
    case ScalarKind::UInt64:
      return H5T_NATIVE_UINT64;
    case ScalarKind::Float32:
      return H5T_NATIVE_FLOAT;
    case ScalarKind::Float64:
      return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_DOUBLE;
}

}  // namespace kiln::io
