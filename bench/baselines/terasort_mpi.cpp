// Hand-written MPI + OpenMP TeraSort, no framework: the practical limit for apps/terasort.
// Rank r reads records [R*r/P, R*(r+1)/P) of the input (its threads read parts of that range),
// sends up to 10000 evenly spaced keys to everyone (MPI_Allgatherv) to pick P-1 splitters,
// sends each record to the rank its key range picks with one MPI_Alltoallv, sorts what it got
// with OpenMP (16-byte tags: a parallel counting pass on the first two key bytes, then the
// 65536 buckets sorted in parallel), and writes OUTDIR/part-RANK (5 digits) in order, each
// thread writing its share of the file. Concatenated in part order, the output is sorted.
//   mpirun -n N terasort_mpi INPUT OUTDIR     (INPUT: a file, or a directory of part files)
// Threads per rank: OMP_NUM_THREADS, else the node's cores shared among its ranks.
#include <fcntl.h>
#include <mpi.h>
#include <omp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "baseline_io.hpp"
#include "bucket_offsets.hpp"
#include "mpi_threads.hpp"
#include "mpi_world.hpp"
#include "tera_tag.hpp"

namespace {

constexpr size_t kRecord = 100;

using Key = baseline::TeraTag;
using baseline::teraTagOf;

// Only the key decides the destination (idx = 0 in splitters; a record equal to a splitter
// goes to the higher rank on every rank).
bool keyLess(const Key& a, const Key& b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; }

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "terasort_mpi: %s\n", why.c_str());
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::exit(1);
}

// Records [first, first + count) of the concatenated input into dst.
void readRecords(const baseline::Inputs& in, uint64_t first, uint64_t count, char* dst) {
  uint64_t begin = first * kRecord, end = (first + count) * kRecord;
  for (size_t i = 0; i + 1 < in.starts.size() && begin < end; ++i) {
    const uint64_t fb = in.starts[i], fe = in.starts[i + 1];
    if (fe <= begin || fb >= end) continue;
    const uint64_t b = std::max(begin, fb), e = std::min(end, fe);
    const int fd = baseline::openOrDie(in.files[i]);
    if (baseline::preadFully(fd, dst + (b - first * kRecord), size_t(e - b), b - fb) != e - b)
      fail(in.files[i] + " shrank while being read");
    close(fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const baseline::MpiWorld world(argc, argv);
  const int rank = world.rank, size = world.size;
  if (argc != 3) world.usage("terasort_mpi INPUT OUTDIR");
  const int threads = baseline::threadsPerRank(rank);
  const size_t ranks = size_t(size), T = size_t(threads);

  const baseline::Inputs in(argv[1]);
  for (size_t i = 0; i < in.files.size(); ++i)
    if ((in.starts[i + 1] - in.starts[i]) % kRecord != 0)
      fail(in.files[i] + " is not a whole number of 100-byte records");
  const uint64_t total = in.total() / kRecord;
  const uint64_t first = total * uint64_t(rank) / ranks;
  const size_t n = size_t(total * uint64_t(rank + 1) / ranks - first);
  if (n >= (uint64_t(1) << 31)) fail("more than 2^31 records on one rank");
  std::unique_ptr<char[]> data(new char[n * kRecord]);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num());
    readRecords(in, first + n * t / T, n * (t + 1) / T - n * t / T,
                data.get() + n * t / T * kRecord);
  }

  // Splitters: the P-quantiles of everyone's samples.
  const int samples = int(std::min<size_t>(n, 10000));
  std::vector<Key> mine(static_cast<size_t>(samples));
  for (size_t i = 0; i < mine.size(); ++i)
    mine[i] = teraTagOf(data.get() + (i * n / mine.size()) * kRecord, 0);
  std::vector<int> counts(ranks), displs(ranks);
  int bytes = samples * int(sizeof(Key));
  MPI_Allgather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int all = 0;
  for (size_t r = 0; r < ranks; ++r) displs[r] = all, all += counts[r];
  std::vector<Key> pool(size_t(all) / sizeof(Key));
  MPI_Allgatherv(mine.data(), bytes, MPI_BYTE, pool.data(), counts.data(), displs.data(), MPI_BYTE,
                 MPI_COMM_WORLD);
  std::sort(pool.begin(), pool.end(), keyLess);
  std::vector<Key> splitters;
  for (size_t r = 1; r < ranks && !pool.empty(); ++r)
    splitters.push_back(pool[pool.size() * r / ranks]);

  // Each record's destination; per-thread counts give every thread its place in the send buffer.
  std::vector<uint16_t> dest(n);
  std::vector<size_t> perThread(T * ranks, 0);  // [thread][rank]
  if (ranks > 65535) fail("at most 65535 ranks");
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), b = n * t / T, e = n * (t + 1) / T;
    for (size_t i = b; i < e; ++i) {
      const Key k = teraTagOf(data.get() + i * kRecord, 0);
      dest[i] = uint16_t(std::upper_bound(splitters.begin(), splitters.end(), k, keyLess) -
                         splitters.begin());
      ++perThread[t * ranks + dest[i]];
    }
  }
  std::vector<int> sendCounts(ranks, 0), sendDispls(ranks), recvCounts(ranks), recvDispls(ranks);
  std::vector<size_t> place(T * ranks);
  size_t at = 0;
  for (size_t r = 0; r < ranks; ++r) {
    sendDispls[r] = int(at);
    for (size_t t = 0; t < T; ++t) place[t * ranks + r] = at, at += perThread[t * ranks + r];
    sendCounts[r] = int(at - size_t(sendDispls[r]));
  }
  std::unique_ptr<char[]> send(new char[n * kRecord]);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), b = n * t / T, e = n * (t + 1) / T;
    size_t* next = place.data() + t * ranks;
    for (size_t i = b; i < e; ++i)
      std::memcpy(send.get() + next[dest[i]]++ * kRecord, data.get() + i * kRecord, kRecord);
  }
  data.reset();
  std::vector<uint16_t>().swap(dest);

  MPI_Datatype recordType;
  MPI_Type_contiguous(int(kRecord), MPI_BYTE, &recordType);
  MPI_Type_commit(&recordType);
  MPI_Alltoall(sendCounts.data(), 1, MPI_INT, recvCounts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  size_t m = 0;
  for (size_t r = 0; r < ranks; ++r) recvDispls[r] = int(m), m += size_t(recvCounts[r]);
  if (m >= (uint64_t(1) << 31)) fail("more than 2^31 records received by one rank");
  std::unique_ptr<char[]> recs(new char[m * kRecord]);
  MPI_Alltoallv(send.get(), sendCounts.data(), sendDispls.data(), recordType, recs.get(),
                recvCounts.data(), recvDispls.data(), recordType, MPI_COMM_WORLD);
  MPI_Type_free(&recordType);
  send.reset();

  // Local sort: tags counted by their first two key bytes per thread, scattered, buckets sorted.
  constexpr size_t kBuckets = 65536;
  std::vector<Key> tags(m), sorted(m);
  std::vector<size_t> hist(T * kBuckets, 0), bucketStart(kBuckets + 1, 0);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), b = m * t / T, e = m * (t + 1) / T;
    size_t* h = hist.data() + t * kBuckets;
    for (size_t i = b; i < e; ++i) {
      tags[i] = teraTagOf(recs.get() + i * kRecord, uint32_t(i));
      ++h[tags[i].hi >> 48];
    }
#pragma omp barrier
#pragma omp single
    baseline::countsToOffsets(hist, T, kBuckets, bucketStart);  // implicit barrier
    for (size_t i = b; i < e; ++i) sorted[h[tags[i].hi >> 48]++] = tags[i];
#pragma omp barrier
#pragma omp for schedule(dynamic, 256)
    for (size_t k = 0; k < kBuckets; ++k)
      std::sort(sorted.begin() + ptrdiff_t(bucketStart[k]),
                sorted.begin() + ptrdiff_t(bucketStart[k + 1]));
  }
  std::vector<Key>().swap(tags);

  if (rank == 0) mkdir(argv[2], 0755);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string path = baseline::partName(argv[2], rank);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail("cannot write " + path);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), b = m * t / T, e = m * (t + 1) / T;
    constexpr size_t kChunk = 40000;  // records per write: 4 MB
    std::vector<char> out(std::min(kChunk, e - b) * kRecord);
    for (size_t i = b; i < e; i += kChunk) {
      const size_t c = std::min(kChunk, e - i);
      for (size_t j = 0; j < c; ++j)
        std::memcpy(out.data() + j * kRecord, recs.get() + size_t(sorted[i + j].idx) * kRecord,
                    kRecord);
      baseline::pwriteFully(fd, out.data(), c * kRecord, uint64_t(i) * kRecord, path);
    }
  }
  if (close(fd) != 0) fail("cannot write " + path);
  MPI_Finalize();
  return 0;
}
