// sc.hdf5 / sc.hdf5Columns: files written by h5py, read back in parallel, under 1, 2, 3 ranks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "test_support.hpp"

struct Event {
  double energy;
  int32_t detector;
  int64_t time;
};
KILN_HDF5_FIELDS(Event, energy, detector, time)

struct Missing {
  double energy;
  double charge;  // not in the file
};
KILN_HDF5_FIELDS(Missing, energy, charge)

namespace kiln::test {
namespace {

// Rank 0 runs a Python program (Debian's python3 with h5py); every rank waits for it.
void runPythonOnDriver(const std::string& program) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int status = 0;
  if (rank == 0) {
    std::string path =
        std::filesystem::temp_directory_path() / ("kiln-h5py-" + std::to_string(getpid()) + ".py");
    std::ofstream(path) << program;
    status = std::system(("/usr/bin/python3 " + path).c_str());
    std::filesystem::remove(path);
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  ASSERT_EQ(status, 0) << "the h5py script failed";
}

class Hdf5Read : public ::testing::Test {
 protected:
  void SetUp() override {
    // ints[i] = i*3-7 (int32), doubles[i] = i/4 (float64), rows[i] = (i, i+0.5, -i) (float32, 2-D),
    // events (compound), and two column datasets of equal length under a group.
    runPythonOnDriver(R"(
import h5py, numpy as np
for name, n, offset in [("a.h5", 1000, 0), ("b.h5", 37, 1000)]:
    i = np.arange(offset, offset + n)
    with h5py.File(")" +
                      dir.path() + R"(/" + name, "w") as f:
        f["ints"] = (i * 3 - 7).astype(np.int32)
        f["doubles"] = (i / 4.0).astype(np.float64)
        f["rows"] = np.stack([i, i + 0.5, -i], axis=1).astype(np.float32)
        ev = np.zeros(n, dtype=[("time", "<i8"), ("energy", "<f8"), ("x", "<f4"), ("detector", "<i4")])
        ev["time"] = i * 10; ev["energy"] = i * 1.5; ev["x"] = -i; ev["detector"] = i % 7
        f["events"] = ev
        f.create_group("cols")
        f["cols/energy"] = i * 2.0
        f["cols/detector"] = (i % 5).astype(np.int16)
        f["cols/short"] = np.zeros(3)
with open(")" + dir.path() +
                      R"(/corrupt.h5", "wb") as f:
    f.write(b"not an hdf5 file at all" * 100)
data = open(")" + dir.path() +
                      R"(/a.h5", "rb").read()
open(")" + dir.path() +
                      R"(/truncated.h5", "wb").write(data[: len(data) // 3])
)");
  }
  TempDir dir;
};

TEST_F(Hdf5Read, NumbersRowsStructsAndColumns) {
  auto sc = makeContext({{"kiln.hdf5.partitionBytes", "1k"}});
  const std::string a = dir.path("a.h5");
  auto ints = sc->hdf5<int32_t>(a, "ints");
  EXPECT_GE(ints.getNumPartitions(), 4);  // 4000 bytes in partitions of about 1 KiB
  std::vector<int32_t> expectInts(1000);
  for (int i = 0; i < 1000; ++i) expectInts[size_t(i)] = i * 3 - 7;
  EXPECT_EQ(ints.collect(), expectInts);
  EXPECT_EQ(sc->hdf5<int64_t>(a, "ints").sum(),
            std::accumulate(expectInts.begin(), expectInts.end(), 0L));
  auto doubles = sc->hdf5<double>(a, "doubles").collect();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(doubles[size_t(i)], i / 4.0);
  auto rows = sc->hdf5<std::array<float, 3>>(a, "rows").collect();
  ASSERT_EQ(rows.size(), 1000u);
  EXPECT_EQ(rows[7], (std::array<float, 3>{7, 7.5f, -7}));
  auto vrows = sc->hdf5<std::vector<float>>(a, "rows").collect();
  EXPECT_EQ(vrows[999], (std::vector<float>{999, 999.5f, -999}));
  auto events = sc->hdf5<Event>(a, "events").collect();  // a subset of the fields, by name
  ASSERT_EQ(events.size(), 1000u);
  EXPECT_EQ(events[42].energy, 63.0);
  EXPECT_EQ(events[42].detector, 0);
  EXPECT_EQ(events[42].time, 420);
  auto cols = sc->hdf5Columns<double, int16_t>(a, {"cols/energy", "cols/detector"}).collect();
  ASSERT_EQ(cols.size(), 1000u);
  EXPECT_EQ(cols[13], (std::tuple<double, int16_t>(26.0, 3)));
}

TEST_F(Hdf5Read, ColumnBatchesConvertNumbersToDouble) {
  auto sc = makeContext({{"kiln.hdf5.partitionBytes", "4000"}});
  // int16 and float64 columns, in batches of at most 64 rows, over both files.
  auto batches =
      sc->hdf5ColumnBatches(dir.path("[ab].h5"), {"cols/detector", "cols/energy"}, 64).collect();
  std::vector<double> detector, energy;
  for (const auto& b : batches) {
    ASSERT_EQ(b.columns.size(), 2u);
    ASSERT_LE(b.numRows(), 64u);
    ASSERT_EQ(b.columns[1].size(), b.numRows());
    detector.insert(detector.end(), b.columns[0].begin(), b.columns[0].end());
    energy.insert(energy.end(), b.columns[1].begin(), b.columns[1].end());
  }
  ASSERT_EQ(energy.size(), 1037u);
  for (int i = 0; i < 1037; ++i) {
    ASSERT_EQ(energy[size_t(i)], i * 2.0);
    ASSERT_EQ(detector[size_t(i)], i % 5);
  }
  EXPECT_GE(batches.size(), 17u);  // 1037 rows in batches of at most 64
  EXPECT_THROW(sc->hdf5ColumnBatches(dir.path("a.h5"), {"cols/energy", "cols/short"}), Error);
  EXPECT_THROW(sc->hdf5ColumnBatches(dir.path("a.h5"), {"rows"}), Error);  // 2-D
  EXPECT_THROW(sc->hdf5ColumnBatches(dir.path("a.h5"), {"nope"}), Error);
}

TEST_F(Hdf5Read, SeveralFilesReadAsOneRdd) {
  auto sc = makeContext({{"kiln.hdf5.partitionBytes", "256"}});
  auto all = sc->hdf5<int32_t>(dir.path("[ab].h5"), "ints").collect();
  ASSERT_EQ(all.size(), 1037u);
  for (int i = 0; i < 1037; ++i) ASSERT_EQ(all[size_t(i)], i * 3 - 7);  // a.h5 then b.h5
  EXPECT_EQ(sc->hdf5<Event>(dir.path("b.h5"), "events")
                .map([](const Event& e) { return e.time; })
                .collect()
                .back(),
            10360L);
}

TEST_F(Hdf5Read, BadInputNamesTheFileAndDataset) {
  auto sc = makeContext();
  auto expectError = [](auto make, const std::string& needle) {
    try {
      make();
      ADD_FAILURE() << "expected an error mentioning: " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  const std::string a = dir.path("a.h5");
  expectError([&] { sc->hdf5<double>(dir.path("nope.h5"), "x"); }, "nope.h5");
  expectError([&] { sc->hdf5<double>(a, "nothing"); }, "dataset nothing: no such dataset");
  expectError([&] { sc->hdf5<double>(a, "ints"); }, "integers; read them as an integer type");
  expectError([&] { sc->hdf5<int16_t>(a, "ints"); }, "32-bit signed integers");
  expectError([&] { sc->hdf5<float>(a, "doubles"); }, "read them as double");
  expectError([&] { sc->hdf5<float>(a, "rows"); }, "is 2-D");
  expectError([&] { sc->hdf5<std::array<float, 4>>(a, "rows"); }, "rows of 3 elements, not 4");
  expectError([&] { sc->hdf5<Missing>(a, "events"); }, "no field named charge");
  expectError(
      [&] {
        sc->hdf5Columns<double, double>(a, {"cols/energy", "cols/short"});
      },
      "cols/short has 3 rows");
  expectError([&] { sc->hdf5<double>(dir.path("corrupt.h5"), "doubles"); },
              "corrupt.h5: not an HDF5 file");
  expectError([&] { sc->hdf5<double>(dir.path("truncated.h5"), "doubles").count(); },
              "truncated.h5");
}

}  // namespace
}  // namespace kiln::test
