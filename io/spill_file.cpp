#include "spill_file.hpp"

#include <sys/stat.h>

#include "../util/error.hpp"
#include "hdf5_lock.hpp"
#include "hdf5_types.hpp"
#include "scratch_file.hpp"

namespace kiln::io {

void writeSpillFile(const std::string& path, const ByteBuffer& bytes) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw Error("spill: cannot create " + path);
  ::chmod(path.c_str(), 0600);
  hsize_t n = bytes.size();
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(f, "block", H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bool ok = d >= 0 && (n == 0 || H5Dwrite(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                          bytes.data()) >= 0);
  if (d >= 0) H5Dclose(d);
  H5Sclose(space);
  ok = H5Fclose(f) >= 0 && ok;
  if (!ok) throw Error("spill: cannot write " + path + " (disk full?)");
  noteBytesSpilled(bytes.size());
}

ByteBuffer readSpillFile(const std::string& path) {
  std::lock_guard lock(hdf5Mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw Error("spill: cannot open " + path);
  hid_t d = H5Dopen2(f, "block", H5P_DEFAULT);
  hid_t space = d >= 0 ? H5Dget_space(d) : -1;
  hsize_t n = 0;
  if (space >= 0) H5Sget_simple_extent_dims(space, &n, nullptr);
  ByteBuffer bytes(n);
  bool ok = d >= 0 && (n == 0 || H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                         bytes.data()) >= 0);
  if (space >= 0) H5Sclose(space);
  if (d >= 0) H5Dclose(d);
  H5Fclose(f);
  if (!ok) throw Error("spill: cannot read " + path + " (corrupt?)");
  return bytes;
}

}  // namespace kiln::io
