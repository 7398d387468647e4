// Spill files: one serialized block of records per HDF5 file (a 1-D uint8 dataset "block"),
// readable by owner only.
#pragma once

#include <string>

#include "../util/byte_buffer.hpp"

namespace kiln::io {

void writeSpillFile(const std::string& path, const ByteBuffer& bytes);
ByteBuffer readSpillFile(const std::string& path);

}  // namespace kiln::io
