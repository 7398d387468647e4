// Writing one dataset into one shared HDF5 file, collectively: every rank of a communicator
// writes its own row ranges, at offsets decided beforehand, with MPI-IO.
#pragma once

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

#include "hdf5_attribute.hpp"
#include "hdf5_reader.hpp"

namespace kiln::io {

struct Hdf5WriteSpec {
  std::string file;
  std::string dataset;  // may contain groups: "results/energy"
  RecordLayout layout;
  uint64_t totalRows = 0;
  uint64_t rowLength = 1;  // rows: elements per row
  uint64_t chunkRows = 0;  // 0: contiguous storage; else chunked (needed for deflate)
  int deflateLevel = 0;    // 0-9, with the shuffle filter; plain deflate so h5py reads it
  std::vector<Hdf5Attribute> attributes;
  bool append = false;  // add the dataset to spec.file if it exists, instead of replacing the file
};

struct WriteSlice {
  const void* data = nullptr;  // count records of the layout
  uint64_t offset = 0;
  uint64_t count = 0;
};

// Creates spec.file (replacing it, or opening it when appending) and the dataset, writes every rank's slices and the
// attributes. Collective over comm: every rank calls it, with preparationError non-empty if it
// could not gather its slices (then every rank stops before touching the file). Throws
// kiln::Error naming the file; a failure seen by any rank is raised on all of them.
void writeDatasetCollectively(MPI_Comm comm, const Hdf5WriteSpec& spec,
                              const std::vector<WriteSlice>& mine,
                              const std::string& preparationError = "");

// Removes one dataset from a file, serially (undoing a failed append). Errors are ignored.
void removeDataset(const std::string& file, const std::string& dataset);

}  // namespace kiln::io
