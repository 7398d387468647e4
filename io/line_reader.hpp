// Reads the lines that belong to one byte range of a text file.
#pragma once

#include <functional>
#include <string_view>

#include "text_splits.hpp"

namespace kiln::io {

// Calls onLine for every line whose first byte lies in the split, Hadoop's rule: a split owns
// the line starting at byte 0 if it starts there, and each line that starts just after a newline
// inside [start, start+length). A line crossing the split's end is read to its end. Line ends
// are "\n" or "\r\n" (both removed); a last line without a newline counts. onLine returns false
// to stop early. The file is read chunkBytes at a time (tests use tiny chunks).
void readSplitLines(const FileSplit& split, const std::function<bool(std::string_view)>& onLine,
                    size_t chunkBytes = size_t(1) << 20);

}  // namespace kiln::io
