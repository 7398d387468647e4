// Definition of saveAsHDF5 (declared and documented in rdd.hpp): a job that keeps every
// partition on the executor that computed it and reports its size; then, in the job's commit,
// the executors write the file together at offsets the driver derived from the sizes.
#pragma once

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "../io/hdf5_writer.hpp"
#include "hdf5_layout.hpp"
#include "rdd.hpp"

namespace kiln {

namespace detail {
inline void encodeAttribute(ByteBuffer& out, const io::Hdf5Attribute& a) {
  out.putString(a.name);
  out.put(uint8_t(a.value.index()));
  if (const auto* s = std::get_if<std::string>(&a.value)) {
    out.putString(*s);
  } else if (const auto* d = std::get_if<double>(&a.value)) {
    out.put(*d);
  } else {
    const auto& v = std::get<std::vector<double>>(a.value);
    out.putVarint(v.size());
    for (double x : v) out.put(x);
  }
}
inline io::Hdf5Attribute decodeAttribute(ByteReader& in) {
  io::Hdf5Attribute a;
  a.name = std::string(in.getString());
  switch (in.get<uint8_t>()) {
    case 0:
      a.value = std::string(in.getString());
      break;
    case 1:
      a.value = in.get<double>();
      break;
    default: {
      std::vector<double> v(in.getVarint());
      for (double& x : v) x = in.get<double>();
      a.value = std::move(v);
    }
  }
  return a;
}
inline std::string utcNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}
}  // namespace detail

template <class T>
void RDD<T>::saveAsHDF5(const std::string& file, const std::string& dataset,
                        const Hdf5WriteOptions& options) const {
  static_assert(
      detail::Hdf5Record<T>::kSupported,
      "kiln: saveAsHDF5: T must be a number, std::array<E, N> or std::vector<E> of numbers, or a "
      "struct described with KILN_HDF5_FIELDS(T, field, ...)");
  namespace fs = std::filesystem;
  if (options.deflateLevel < 0 || options.deflateLevel > 9)
    throw Error("saveAsHDF5: deflateLevel must be 0 to 9 (got " +
                std::to_string(options.deflateLevel) + ")");
  sched::Runtime& rt = node_->runtime();
  const int held = rt.newRddId();  // the id under which executors hold the partitions meanwhile
  // A new file is written under a temporary name and renamed when complete; an append writes
  // into the file itself.
  const std::string tmp = options.append ? file : file + ".kiln-tmp";
  struct AppendState {
    bool createdFile = false;  // the append found no file
    bool prepared = false;     // past the checks: whatever exists now is this job's to remove
  };
  auto append = std::make_shared<AppendState>();
  const auto layout = detail::Hdf5Record<T>::layout();
  constexpr bool kVectorRows = !std::is_trivially_copyable_v<T>;  // std::vector<E>: rows flattened
  const uint64_t chunkRows = options.chunkRows > 0      ? options.chunkRows
                             : options.deflateLevel > 0 ? 65536
                                                        : 0;

  sched::JobHooks hooks;
  hooks.prepare = [file, dataset, tmp, options, append] {
    std::error_code ec;
    if (fs::exists(file, ec) && !options.overwrite && !options.append)
      throw Error("saveAsHDF5: " + file +
                  " already exists (set overwrite to replace it, or append to add a dataset)");
    fs::path dir = fs::absolute(file).parent_path();
    if (!fs::is_directory(dir, ec))
      throw Error("saveAsHDF5: " + file + ": directory " + dir.string() + " does not exist");
    if (options.append) {
      append->createdFile = !fs::exists(file, ec);
      // Checked here, so that a failed append only ever removes a dataset it created.
      if (!append->createdFile && io::hasObject(file, dataset))
        throw Error("saveAsHDF5: " + file + ": dataset " + dataset + " already exists");
      append->prepared = true;
    }
    else
      fs::remove(tmp, ec);
  };
  hooks.commit = [&, file, tmp](const std::vector<ByteBuffer>& results) {
    // Partition p's rows start after those of partitions 0..p-1.
    ByteBuffer plan;
    // Fixed rows (std::array) know their length; std::vector rows must all agree.
    uint64_t total = 0,
             rowLength = layout.shape == io::RecordLayout::Shape::Row ? layout.rowLength : 1;
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const auto& r : results) {
      ByteReader in(r.span());
      auto count = in.get<uint64_t>();
      auto len = in.get<uint64_t>();
      if (kVectorRows && count > 0) {
        if (rowLength == 0) rowLength = len;
        if (len != rowLength)
          throw Error("saveAsHDF5: " + file + ": rows have different lengths (" +
                      std::to_string(rowLength) + " and " + std::to_string(len) + ")");
      }
      ranges.emplace_back(total, count);
      total += count;
    }
    if (kVectorRows && rowLength == 0 && total > 0)
      throw Error("saveAsHDF5: " + file +
                  ": every row is empty; a 2-D dataset needs rows of at least one element");
    if (rowLength == 0) rowLength = 1;
    plan.putString(tmp);
    plan.putString(dataset);
    plan.put(total);
    plan.put(rowLength);
    plan.put(chunkRows);
    plan.put(int32_t(options.deflateLevel));
    auto attributes = rt.provenance();
    attributes.emplace_back("created", detail::utcNow());
    if (const char* job = std::getenv("SLURM_JOB_ID")) attributes.emplace_back("slurm_job_id", job);
    plan.put(uint8_t(options.append));
    plan.putVarint(attributes.size() + options.attributes.size());
    for (const auto& [k, v] : attributes) detail::encodeAttribute(plan, {k, v});
    for (const auto& a : options.attributes) detail::encodeAttribute(plan, a);
    const int numExec = rt.numExecutors();
    plan.putVarint(ranges.size());
    for (size_t p = 0; p < ranges.size(); ++p) {
      int e = rt.blockLocation(held, int(p));
      if (e < 0) e = 0;  // only an empty, never-run partition has no block; any executor skips it
      plan.put(int32_t(std::min(e, numExec - 1)));
      plan.put(ranges[p].first);
      plan.put(ranges[p].second);
    }
    rt.runOnExecutors(plan);
    if (options.append) return;
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw Error("saveAsHDF5: cannot move " + tmp + " to " + file + ": " + ec.message());
  };
  hooks.abort = [tmp, dataset, options, append] {
    std::error_code ec;
    if (!options.append)
      fs::remove(tmp, ec);
    else if (append->prepared && append->createdFile)
      fs::remove(tmp, ec);
    else if (append->prepared)
      io::removeDataset(tmp, dataset);
  };
  hooks.onExecutors = [&rt, held, layout](MPI_Comm comm, ByteReader& plan) {
    io::Hdf5WriteSpec spec;
    spec.file = std::string(plan.getString());
    spec.dataset = std::string(plan.getString());
    spec.layout = layout;
    spec.totalRows = plan.get<uint64_t>();
    spec.rowLength = plan.get<uint64_t>();
    spec.chunkRows = plan.get<uint64_t>();
    spec.deflateLevel = plan.get<int32_t>();
    spec.append = plan.get<uint8_t>() != 0;
    for (uint64_t n = plan.getVarint(); n > 0; --n)
      spec.attributes.push_back(detail::decodeAttribute(plan));
    int me = 0;
    MPI_Comm_rank(comm, &me);
    std::vector<io::WriteSlice> mine;
    std::vector<std::shared_ptr<const void>> keep;  // blocks stay alive during the write
    std::vector<std::vector<typename detail::Hdf5Element<T>::type>> flattened;
    std::string error;  // a local failure here must not leave the other executors in a collective
    try {
      for (uint64_t p = 0, n = plan.getVarint(); p < n; ++p) {
        int e = plan.get<int32_t>();
        auto offset = plan.get<uint64_t>(), count = plan.get<uint64_t>();
        if (e != me || count == 0) continue;
        auto block = rt.blockStore().get(held, int(p));
        if (!block)
          throw Error("saveAsHDF5: internal: partition " + std::to_string(p) + " is not held here");
        const auto& records = *static_cast<const std::vector<T>*>(block.get());
        const void* data = records.data();
        if constexpr (kVectorRows) {
          auto& flat = flattened.emplace_back();
          for (const auto& row : records) flat.insert(flat.end(), row.begin(), row.end());
          data = flat.data();
        }
        keep.push_back(block);
        mine.push_back({data, offset, count});
      }
    } catch (const std::exception& e) {
      error = std::string("saveAsHDF5: ") + e.what();
    }
    io::writeDatasetCollectively(comm, spec, mine, error);
  };

  auto node = node_;
  struct DropHeld {  // the held partitions go, whatever happens
    sched::Runtime& rt;
    int id;
    ~DropHeld() { rt.dropRddBlocks(id); }
  } dropHeld{rt, held};
  runJob(
      allPartitions(),
      [node, held](int p) {
        auto records = std::make_shared<std::vector<T>>();
        auto sink = detail::makeSink<T>([&](std::span<T> block) {
          for (T& x : block) records->push_back(std::move(x));
        });
        node->compute(p, sink);
        uint64_t rowLength = 1;
        if constexpr (!std::is_trivially_copyable_v<T>) {
          rowLength = records->empty() ? 0 : records->front().size();
          for (const auto& row : *records)
            if (row.size() != rowLength)
              throw Error("saveAsHDF5: rows of different lengths in partition " +
                          std::to_string(p) + " (" + std::to_string(rowLength) + " and " +
                          std::to_string(row.size()) + ")");
        }
        ByteBuffer out;
        out.put(uint64_t(records->size()));
        out.put(rowLength);
        // Held within the memory budget; spilled rather than lost if the budget runs out.
        detail::storeBlock(node->runtime(), held, p, std::move(records),
                           StorageLevel::MEMORY_AND_DISK);
        return out;
      },
      hooks);
}

}  // namespace kiln
