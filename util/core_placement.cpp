#include "core_placement.hpp"

#include <cstddef>

namespace kiln {

std::vector<int> placeCores(const std::vector<std::vector<int>>& allowed, int self) {
  const std::vector<int>& mine = allowed.at(size_t(self));
  if (mine.empty()) return {};
  size_t sharers = 0, position = 0;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (allowed[i] != mine) continue;
    if (i == size_t(self)) position = sharers;
    ++sharers;
  }
  const size_t n = mine.size();
  if (sharers > n) return {mine[position % n]};
  // Slice `position` of `sharers` near-equal contiguous slices.
  size_t begin = position * n / sharers, end = (position + 1) * n / sharers;
  return std::vector<int>(mine.begin() + long(begin), mine.begin() + long(end));
}

}  // namespace kiln
