// binaryRecords<T>: a file of fixed-size records read straight into T (memcpy, no parsing), one
// partition per split of whole records.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "../../io/file_stamp.hpp"
#include "../../io/record_splits.hpp"
#include "../../sched/task_context.hpp"
#include "../../sched/task_metrics.hpp"
#include "../node.hpp"

namespace kiln::detail {

template <class T>
class BinaryRecordsNode final : public Node<T> {
  static_assert(std::is_trivially_copyable_v<T>,
                "kiln: binaryRecords<T>: T must be trivially copyable (its bytes are the record)");

 public:
  BinaryRecordsNode(std::shared_ptr<sched::Runtime> rt, std::vector<io::FileSplit> splits)
      : Node<T>(std::move(rt), int(splits.size()), "binaryRecords"), splits_(std::move(splits)) {}
  std::vector<sched::Dependency> doDependencies() const override { return {}; }
  int doLocation(int, int) const override { return -1; }
  uint64_t inputBytesHint(int p) const override { return splits_[size_t(p)].length; }
  std::string identityParameters() const override {
    std::string s = Node<T>::identityParameters() + "|" + std::to_string(sizeof(T)) + "|";
    for (const auto& sp : splits_)
      s += io::fileStamp(sp.path) + "@" + std::to_string(sp.start) + "+" +
           std::to_string(sp.length) + ";";
    return s;
  }
  void doCompute(int p, BlockSink<T>& out) const override {
    // Reads many blocks' worth at once, then hands them on a block at a time.
    constexpr size_t kReadRecords = kBlockRecords * 16;
    std::vector<T> buffer(kReadRecords);
    io::FileRangeReader reader(splits_[size_t(p)]);
    while (size_t got = reader.read(buffer.data(), kReadRecords * sizeof(T))) {
      TaskContext::checkCancelled();
      const size_t records = got / sizeof(T);
      for (size_t i = 0; i < records; i += kBlockRecords)
        out.push(std::span<T>(buffer.data() + i, std::min(kBlockRecords, records - i)));
    }
    sched::countInputBytes(splits_[size_t(p)].length);
  }

 private:
  std::vector<io::FileSplit> splits_;
};

}  // namespace kiln::detail
