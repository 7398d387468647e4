// textFile: one partition per byte-range split; each line belongs to exactly one partition.
#pragma once

#include <string>
#include <vector>

#include "../../io/file_stamp.hpp"
#include "../../io/line_reader.hpp"
#include "../../sched/task_context.hpp"
#include "../node.hpp"

namespace kiln::detail {

class TextFileNode final : public Node<std::string> {
 public:
  TextFileNode(std::shared_ptr<sched::Runtime> rt, std::vector<io::FileSplit> splits)
      : Node<std::string>(std::move(rt), int(splits.size()), "textFile"),
        splits_(std::move(splits)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  uint64_t inputBytesHint(int p) const override { return splits_[size_t(p)].length; }
  std::string identityParameters() const override {
    std::string s = Node<std::string>::identityParameters() + "|";
    for (const auto& sp : splits_)
      s += io::fileStamp(sp.path) + "@" + std::to_string(sp.start) + "+" +
           std::to_string(sp.length) + ";";
    return s;
  }
  void doCompute(int p, BlockSink<std::string>& out) const override {
    // Strings in the block are reassigned, not reallocated, from one block to the next.
    std::vector<std::string> block(kBlockRecords);
    size_t n = 0;
    io::readSplitLines(splits_[size_t(p)], [&](std::span<const std::string_view> lines) {
      for (std::string_view line : lines) {
        block[n++].assign(line);
        if (n == kBlockRecords) {
          TaskContext::checkCancelled();
          out.push(std::span<std::string>(block.data(), n));
          n = 0;
        }
      }
    });
    if (n) out.push(std::span<std::string>(block.data(), n));
    sched::countInputBytes(splits_[size_t(p)].length);
  }

 private:
  std::vector<io::FileSplit> splits_;
};

}  // namespace kiln::detail
