#include "hdf5_writer.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "../util/error.hpp"
#include "hdf5_lock.hpp"
#include "hdf5_types.hpp"

namespace kiln::io {
namespace {

// Every rank learns whether any rank failed, so that none goes on alone into a collective call.
void agree(MPI_Comm comm, bool ok, const Hdf5WriteSpec& spec, const std::string& step) {
  int mine = ok ? 0 : 1, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
  if (any)
    throw Error("saveAsHDF5: " + spec.file + ": dataset " + spec.dataset + ": " + step + " failed");
}

// Text as a variable-length string, a number as a scalar double, a list as a 1-D double array.
bool writeAttribute(hid_t dset, const Hdf5Attribute& a) {
  hid_t type = -1, space = -1;
  const void* data = nullptr;
  const char* text = nullptr;
  if (const auto* s = std::get_if<std::string>(&a.value)) {
    type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    space = H5Screate(H5S_SCALAR);
    text = s->c_str();
    data = &text;
  } else if (const auto* d = std::get_if<double>(&a.value)) {
    type = H5Tcopy(H5T_NATIVE_DOUBLE);
    space = H5Screate(H5S_SCALAR);
    data = d;
  } else {
    const auto& v = std::get<std::vector<double>>(a.value);
    type = H5Tcopy(H5T_NATIVE_DOUBLE);
    hsize_t n = v.size();
    space = H5Screate_simple(1, &n, nullptr);
    data = v.data();
  }
  hid_t attr = H5Acreate2(dset, a.name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
  bool ok = attr >= 0 && H5Awrite(attr, type, data) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  return ok;
}

}  // namespace

void removeDataset(const std::string& file, const std::string& dataset) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) return;
  if (H5Lexists(f, dataset.c_str(), H5P_DEFAULT) > 0) H5Ldelete(f, dataset.c_str(), H5P_DEFAULT);
  H5Fclose(f);
}

void writeDatasetCollectively(MPI_Comm comm, const Hdf5WriteSpec& spec,
                              const std::vector<WriteSlice>& mine,
                              const std::string& preparationError) {
  // Every rank must know that every rank is ready before the first collective HDF5 call.
  int failed = preparationError.empty() ? 0 : 1, anyFailed = 0;
  MPI_Allreduce(&failed, &anyFailed, 1, MPI_INT, MPI_MAX, comm);
  if (failed) throw Error(preparationError);
  if (anyFailed)
    throw Error("saveAsHDF5: " + spec.file + ": another executor could not prepare its rows");
  // Worker threads never call MPI, so holding the HDF5 lock across collectives cannot deadlock.
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const bool rows = spec.layout.shape == RecordLayout::Shape::Row;
  hid_t memType = -1, fileType = -1;
  if (spec.layout.shape == RecordLayout::Shape::Compound) {
    memType = H5Tcreate(H5T_COMPOUND, spec.layout.structBytes);
    for (const auto& f : spec.layout.fields)
      H5Tinsert(memType, f.name.c_str(), f.offset, nativeType(f.kind));
    fileType = H5Tcopy(memType);
    H5Tpack(fileType);  // no padding in the file
  } else {
    memType = H5Tcopy(nativeType(spec.layout.scalar));
    fileType = H5Tcopy(memType);
  }

  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  hid_t file = -1;
  bool existed = false;
  if (spec.append) {
    // Every rank must take the same branch: the driver's view of the file decides for all.
    int exists = 0;
    if (FILE* probe = std::fopen(spec.file.c_str(), "rb")) {
      std::fclose(probe);
      exists = 1;
    }
    MPI_Allreduce(MPI_IN_PLACE, &exists, 1, MPI_INT, MPI_MAX, comm);
    existed = exists != 0;
  }
  file = existed ? H5Fopen(spec.file.c_str(), H5F_ACC_RDWR, fapl)
                 : H5Fcreate(spec.file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  hid_t space = -1, dset = -1, dxpl = -1;
  // Every object must be closed before the file, or closing the file fails.
  auto cleanup = [&] {
    if (dxpl >= 0) H5Pclose(dxpl);
    if (dset >= 0) H5Dclose(dset);
    if (space >= 0) H5Sclose(space);
    H5Tclose(memType);
    H5Tclose(fileType);
    if (file >= 0) H5Fclose(file);
  };
  try {
    agree(comm, file >= 0, spec,
          existed ? "opening the file to add a dataset (is it an HDF5 file?)"
                  : "creating the file (is the directory writable?)");
    if (existed && H5Lexists(file, spec.dataset.c_str(), H5P_DEFAULT) > 0)
      throw Error("saveAsHDF5: " + spec.file + ": dataset " + spec.dataset + " already exists");
    const int rank = rows ? 2 : 1;
    hsize_t dims[2] = {spec.totalRows, spec.rowLength};
    space = H5Screate_simple(rank, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (spec.chunkRows > 0 && spec.totalRows > 0) {
      hsize_t chunk[2] = {std::min(spec.chunkRows, spec.totalRows), spec.rowLength};
      H5Pset_chunk(dcpl, rank, chunk);
      if (spec.deflateLevel > 0) {
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, unsigned(spec.deflateLevel));
      }
    }
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    dset = H5Dcreate2(file, spec.dataset.c_str(), fileType, space, lcpl, dcpl, H5P_DEFAULT);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    agree(comm, dset >= 0, spec, "creating the dataset");

    // Collective writes: every rank takes part in every round, with nothing to write when its
    // slices are done.
    uint64_t myRounds = mine.size(), rounds = 0;
    MPI_Allreduce(&myRounds, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
    dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
    bool ok = true;
    for (uint64_t k = 0; k < rounds; ++k) {
      hid_t fileSpace = H5Dget_space(dset);
      hid_t memSpace;
      const void* data = nullptr;
      if (k < mine.size() && mine[k].count > 0) {
        hsize_t offset[2] = {mine[k].offset, 0}, count[2] = {mine[k].count, spec.rowLength};
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, offset, nullptr, count, nullptr);
        memSpace = H5Screate_simple(rank, count, nullptr);
        data = mine[k].data;
      } else {
        H5Sselect_none(fileSpace);
        hsize_t one[2] = {1, 1};
        memSpace = H5Screate_simple(rank, one, nullptr);
        H5Sselect_none(memSpace);
      }
      ok = H5Dwrite(dset, memType, memSpace, fileSpace, dxpl, data) >= 0 && ok;
      H5Sclose(memSpace);
      H5Sclose(fileSpace);
    }
    H5Pclose(dxpl);
    dxpl = -1;
    agree(comm, ok, spec, "writing");

    for (const auto& a : spec.attributes) ok = writeAttribute(dset, a) && ok;
    H5Dclose(dset);
    dset = -1;
    H5Sclose(space);
    space = -1;
    agree(comm, ok, spec, "writing the attributes");
    bool closed = H5Fclose(file) >= 0;
    file = -1;
    agree(comm, closed, spec, "closing the file");
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

}  // namespace kiln::io
