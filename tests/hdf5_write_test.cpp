// saveAsHDF5: collective parallel writes, read back by Kiln and checked independently by h5py
// and h5dump, under 1, 2 and 3 ranks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"

struct Particle {
  double energy;
  int32_t detector;
  float x;
};
KILN_HDF5_FIELDS(Particle, energy, detector, x)

namespace kiln::test {
namespace {

// Rank 0 runs a check; every rank gets its exit status.
int runOnDriver(const std::string& command) {
  int rank = 0, status = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) status = std::system(command.c_str());
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

int checkWithH5py(const std::string& program) {
  std::string path =
      std::filesystem::temp_directory_path() / ("kiln-h5check-" + std::to_string(getpid()) + ".py");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::ofstream(path) << program;
  int status = runOnDriver("/usr/bin/python3 " + path);
  if (rank == 0) std::filesystem::remove(path);
  return status;
}

TEST(Hdf5Write, RoundTripsEveryShape) {
  auto sc = makeContext();
  TempDir dir;
  const std::string f = dir.path("out.h5");
  // Numbers, chunked and compressed, from 7 partitions of uneven sizes.
  std::vector<double> values(10007);
  for (size_t i = 0; i < values.size(); ++i) values[i] = double(i) * 0.5 - 3;
  sc->parallelize(values, 7).saveAsHDF5(f, "numbers", {.chunkRows = 1000, .deflateLevel = 4});
  EXPECT_EQ(sc->hdf5<double>(f, "numbers").collect(), values);
  EXPECT_FALSE(std::filesystem::exists(f + ".kiln-tmp"));
  EXPECT_EQ(checkWithH5py(R"(
import h5py, numpy as np, sys
with h5py.File(")" + f + R"(", "r") as h:
    d = h["numbers"]
    ok = d.shape == (10007,) and d.dtype == np.float64 and np.array_equal(d[:], np.arange(10007) * 0.5 - 3)
    ok = ok and d.compression == "gzip" and d.attrs["kiln_version"] == "0.1.0" and "created" in d.attrs
    sys.exit(0 if ok else 1)
)"),
            0);
  EXPECT_EQ(runOnDriver("h5dump -H " + f + " > /dev/null"), 0);

  // Rows (2-D), from a shuffled RDD (partitions on several executors), into a group.
  auto rows = sc->range(0, 500, 1, 3)
                  .map([](long i) {
                    return std::pair<long, std::array<float, 3>>(
                        i, {float(i), float(i) + 0.25f, -float(i)});
                  })
                  .partitionBy(4)
                  .values();
  auto expectedRows = rows.collect();
  const std::string g = dir.path("rows.h5");
  rows.saveAsHDF5(g, "group/rows");
  EXPECT_EQ((sc->hdf5<std::array<float, 3>>(g, "group/rows").collect()), expectedRows);
  auto vecRows = sc->range(0, 300, 1, 5).map([](long i) {
    return std::vector<int32_t>{int32_t(i), int32_t(i * i % 97), 7, -1};
  });
  vecRows.saveAsHDF5(dir.path("vec.h5"), "v");
  EXPECT_EQ(sc->hdf5<std::vector<int32_t>>(dir.path("vec.h5"), "v").collect(), vecRows.collect());

  // Structs as a compound dataset; h5py sees the named fields.
  auto particles = sc->range(0, 1000, 1, 6).map([](long i) {
    return Particle{double(i) * 2, int32_t(i % 9), float(-i)};
  });
  const std::string h = dir.path("particles.h5");
  particles.saveAsHDF5(h, "particles");
  auto back = sc->hdf5<Particle>(h, "particles").collect();
  ASSERT_EQ(back.size(), 1000u);
  EXPECT_EQ(back[123].energy, 246.0);
  EXPECT_EQ(back[123].detector, 123 % 9);
  EXPECT_EQ(back[123].x, -123.0f);
  EXPECT_EQ(checkWithH5py(R"(
import h5py, numpy as np, sys
d = h5py.File(")" + h + R"(", "r")["particles"][:]
ok = list(d.dtype.names) == ["energy", "detector", "x"] and np.array_equal(d["energy"], np.arange(1000) * 2.0)
ok = ok and np.array_equal(d["detector"], np.arange(1000) % 9)
sys.exit(0 if ok else 1)
)"),
            0);

  // An empty RDD writes an empty dataset.
  sc->parallelize(std::vector<int64_t>{}, 3).saveAsHDF5(dir.path("empty.h5"), "nothing");
  EXPECT_EQ(sc->hdf5<int64_t>(dir.path("empty.h5"), "nothing").count(), 0);
}

TEST(Hdf5Write, RefusesToOverwriteAndCleansUpFailures) {
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  TempDir dir;
  const std::string f = dir.path("x.h5");
  sc->range(0, 10).saveAsHDF5(f, "a");
  try {
    sc->range(0, 10).saveAsHDF5(f, "a");
    FAIL() << "expected a failure";
  } catch (const JobFailed& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  sc->range(0, 20).saveAsHDF5(f, "a", {.overwrite = true});
  EXPECT_EQ(sc->hdf5<long>(f, "a").count(), 20);
  EXPECT_THROW(sc->range(0, 10).saveAsHDF5(dir.path("no/such/dir/y.h5"), "a"), JobFailed);
  // A failing task: no file, no leftovers.
  EXPECT_THROW(sc->range(0, 100, 1, 4)
                   .map([](long x) {
                     if (x == 77) throw std::runtime_error("bad row");
                     return x;
                   })
                   .saveAsHDF5(dir.path("z.h5"), "a"),
               JobFailed);
  EXPECT_FALSE(std::filesystem::exists(dir.path("z.h5")));
  EXPECT_FALSE(std::filesystem::exists(dir.path("z.h5.kiln-tmp")));
  // Rows of different lengths cannot form a 2-D dataset.
  EXPECT_THROW(sc->range(0, 10, 1, 2)
                   .map([](long i) { return std::vector<double>(size_t(1 + i % 2), 1.0); })
                   .saveAsHDF5(dir.path("ragged.h5"), "r"),
               JobFailed);
}

TEST(Hdf5Write, AppendsDatasetsWithAttributesToOneFile) {
  auto sc = makeContext({{"kiln.task.maxFailures", "1"}});
  TempDir dir;
  const std::string f = dir.path("results.h5");
  sc->range(0, 1000, 1, 3).saveAsHDF5(f, "a", {.append = true});  // creates the file
  sc->parallelize(std::vector<std::vector<double>>{{1, 2, 3}, {4, 5, 6}}, 1)
      .saveAsHDF5(f, "hist/two_d",
                  {.append = true,
                   .attributes = {{"axis", std::string("energy")},
                                  {"low", 0.5},
                                  {"edges", std::vector<double>{0, 1, 2}}}});
  EXPECT_EQ(sc->hdf5<long>(f, "a").count(), 1000);
  // The dataset exists: refused, and the file keeps both datasets.
  EXPECT_THROW(sc->range(0, 5).saveAsHDF5(f, "a", {.append = true}), JobFailed);
  // A failing append leaves the file as it was.
  EXPECT_THROW(sc->range(0, 100, 1, 4)
                   .map([](long x) {
                     if (x == 77) throw std::runtime_error("bad row");
                     return x;
                   })
                   .saveAsHDF5(f, "broken", {.append = true}),
               JobFailed);
  EXPECT_EQ(checkWithH5py(R"(
import h5py, numpy as np, sys
with h5py.File(")" + f + R"(", "r") as h:
    d = h["hist/two_d"]
    ok = sorted(h.keys()) == ["a", "hist"] and np.array_equal(h["a"][:], np.arange(1000))
    ok = ok and d.shape == (2, 3) and d[1, 2] == 6 and d.attrs["axis"] == "energy"
    ok = ok and d.attrs["low"] == 0.5 and list(d.attrs["edges"]) == [0, 1, 2]
    if not ok: print(list(h.keys()), d.shape, dict(d.attrs))
    sys.exit(0 if ok else 1)
)"),
            0);
}

}  // namespace
}  // namespace kiln::test
