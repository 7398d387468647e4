// Runs of records spilled by one task (sorted runs of an external sort or aggregation) in one
// scratch file, and a reader that decodes a run back through a bounded window.
#pragma once

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../io/scratch_directory.hpp"
#include "../io/scratch_file.hpp"
#include "serialization/codec.hpp"

namespace kiln::detail {

// Decodes records of type R from bytes [offset, offset + length) of a scratch file. The window
// grows when one record is larger than it.
template <class R>
class RunReader {
 public:
  RunReader(const io::ScratchFile& file, uint64_t offset, uint64_t length, size_t window)
      : file_(&file), next_(offset), end_(offset + length), buf_(window) {}

  std::optional<R> next() {
    for (;;) {
      if (pos_ < have_) {
        ByteReader in({buf_.data() + pos_, have_ - pos_});
        try {
          std::optional<R> r(decode<R>(in));
          pos_ = have_ - in.remaining();
          return r;
        } catch (const Error&) {
          if (next_ == end_) throw;  // no more bytes: the record really is cut short
        }
      } else if (next_ == end_) {
        return std::nullopt;
      }
      refill();  // the window ends inside a record
    }
  }

 private:
  void refill() {
    std::memmove(buf_.data(), buf_.data() + pos_, have_ - pos_);
    have_ -= pos_;
    pos_ = 0;
    if (have_ == buf_.size()) buf_.resize(buf_.size() * 2);
    size_t n = size_t(std::min<uint64_t>(buf_.size() - have_, end_ - next_));
    file_->readAt(next_, buf_.data() + have_, n);
    have_ += n;
    next_ += n;
  }

  const io::ScratchFile* file_;
  uint64_t next_, end_;
  ByteBuffer buf_;
  size_t pos_ = 0, have_ = 0;
};

template <class R>
class SpilledRuns {
 public:
  SpilledRuns(io::ScratchDirectory& scratch, std::string prefix)
      : scratch_(&scratch), prefix_(std::move(prefix)) {}

  // forEach(emit) calls emit(const R&) for each record of the run, in order.
  template <class ForEach>
  void writeRun(ForEach&& forEach) {
    if (!file_) file_ = std::make_unique<io::ScratchFile>(scratch_->newFilePath(prefix_, ".run"));
    constexpr size_t kFlushBytes = size_t(1) << 20;
    Run run{file_->size(), 0};
    ByteBuffer buf;
    auto flush = [&] {
      file_->append(buf.data(), buf.size());
      run.length += buf.size();
      buf.clear();
    };
    forEach([&](const R& r) {
      encode(buf, r);
      if (buf.size() >= kFlushBytes) flush();
    });
    flush();
    runs_.push_back(run);
  }
  size_t count() const { return runs_.size(); }
  uint64_t bytes() const { return file_ ? file_->size() : 0; }
  RunReader<R> reader(size_t i, size_t window) const {
    return RunReader<R>(*file_, runs_[i].offset, runs_[i].length, window);
  }

 private:
  struct Run {
    uint64_t offset, length;
  };
  io::ScratchDirectory* scratch_;
  std::string prefix_;
  std::unique_ptr<io::ScratchFile> file_;
  std::vector<Run> runs_;
};

}  // namespace kiln::detail
