// Reads the lines that belong to one byte range of a text file.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "text_splits.hpp"

namespace kiln::io {

// Calls onLines with every line whose first byte lies in the split, Hadoop's rule: a split owns
// the line starting at byte 0 if it starts there, and each line that starts just after a newline
// inside [start, start+length). A line crossing the split's end is read to its end. Line ends
// are "\n" or "\r\n" (both removed); a last line without a newline counts. The lines come in
// batches, in file order, as views that are valid until onLines returns: one call per batch, not
// per line, keeps an indirect call out of the per-line loop. The file is read chunkBytes at a
// time (tests use tiny chunks).
using LineBatchFn = std::function<void(std::span<const std::string_view>)>;
void readSplitLines(const FileSplit& split, const LineBatchFn& onLines,
                    size_t chunkBytes = size_t(1) << 20);

}  // namespace kiln::io
