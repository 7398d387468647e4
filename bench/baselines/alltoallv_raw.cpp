// Shuffle microbenchmark, raw side: the exchange bench/shuffle_micro.cpp times through Kiln's
// partitionBy, written directly with MPI_Alltoallv and OpenMP, no framework.
//   mpirun -n R --bind-to none alltoallv_raw [RECORDS=10000000] [PARTITIONS=16] [REPS=1]
// Every rank generates its share of the same 100-byte records (uint64 key, 92-byte payload),
// untimed. Timed, from a barrier to the checksum on every rank: each record goes to reduce
// partition key % PARTITIONS, owned by rank partition % R (Kiln's placement); a counting pass
// and a memcpy pass (OMP_NUM_THREADS threads, each on its share of the records) pack the records
// into one send buffer ordered by destination rank, partition, thread; MPI_Alltoall of the
// counts, MPI_Alltoallv of the records (a contiguous 100-byte datatype, so counts are records),
// then a pass over the received records computes the checksum, combined by MPI_Allreduce. With
// one rank the packed buffer already is the result: no MPI_Alltoallv (it would only copy it).
// The send and receive buffers are allocated in the first repetition's timed part, as a shuffle
// must (the receive size comes from the counts), and kept for the next ones: the first
// repetition pays for faulting their pages in (cold), the later ones do not (warm). Rank 0
// prints, per repetition:
//   raw ranks=R threads=T records=N bytes=B seconds=S gbps=G checksum=C pack=S exchange=S sum=S
// with the same checksum as the Kiln program for the same RECORDS.
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../shuffle_records.hpp"

namespace {

using shuffle_records::kPayload;
using shuffle_records::kRecord;
using shuffle_records::makeRecord;
using shuffle_records::mix;
using shuffle_records::recordSum;

uint64_t keyOf(const char* record) {
  uint64_t k;
  std::memcpy(&k, record, 8);
  return k;
}

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Uninitialized bytes: pages are touched (and faulted in) by whoever writes them first.
std::unique_ptr<char[]> bytes(size_t n) { return std::unique_ptr<char[]>(new char[n]); }

// A buffer kept across repetitions; it grows (without copying) when a repetition needs more.
class Buffer {
 public:
  char* get(size_t n) {
    if (n > size_) {
      data_.reset();
      data_ = bytes(n);
      size_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const uint64_t n = argc > 1 ? std::stoull(argv[1]) : 10'000'000;
  const int parts = argc > 2 ? std::stoi(argv[2]) : 16;
  const int reps = argc > 3 ? std::stoi(argv[3]) : 1;
  const int threads = omp_get_max_threads();
  const size_t P = size_t(parts), T = size_t(threads), R = size_t(size);

  // This rank's records: a contiguous slice of 0..n-1, packed 100 bytes apiece.
  const uint64_t first = n * uint64_t(rank) / R, last = n * uint64_t(rank + 1) / R;
  const size_t local = size_t(last - first);
  auto input = bytes(local * kRecord);
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < local; ++i) {
    uint64_t key;
    char* rec = input.get() + i * kRecord;
    makeRecord(first + i, key, rec + 8);
    std::memcpy(rec, &key, 8);
  }

  MPI_Datatype recordType;
  MPI_Type_contiguous(int(kRecord), MPI_BYTE, &recordType);
  MPI_Type_commit(&recordType);

  Buffer sendBuffer, recvBuffer;
  int status = 0;
  for (int rep = 0; rep < reps; ++rep) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();

    // Counting pass: records per (thread, partition). Thread t takes [lo(t), lo(t+1)).
    auto lo = [&](size_t t) { return local * t / T; };
    std::vector<uint64_t> count(T * P, 0);
#pragma omp parallel num_threads(threads)
    {
      size_t t = size_t(omp_get_thread_num());
      uint64_t* c = count.data() + t * P;
      for (size_t i = lo(t); i < lo(t + 1); ++i) ++c[keyOf(input.get() + i * kRecord) % P];
    }
    // Send layout: destination rank, then its partitions in order, then thread.
    std::vector<uint64_t> offset(T * P), sendCount(R, 0);
    uint64_t at = 0;
    for (size_t d = 0; d < R; ++d)
      for (size_t p = d; p < P; p += R)
        for (size_t t = 0; t < T; ++t) {
          offset[t * P + p] = at;
          at += count[t * P + p];
          sendCount[d] += count[t * P + p];
        }
    char* send = sendBuffer.get(local * kRecord);
#pragma omp parallel num_threads(threads)
    {
      size_t t = size_t(omp_get_thread_num());
      uint64_t* off = offset.data() + t * P;
      for (size_t i = lo(t); i < lo(t + 1); ++i) {
        const char* rec = input.get() + i * kRecord;
        std::memcpy(send + (off[keyOf(rec) % P]++) * kRecord, rec, kRecord);
      }
    }
    const double packSecs = since(start);

    const auto exchangeStart = Clock::now();
    const char* received = send;
    uint64_t receivedRecords = local;
    if (size > 1) {
      std::vector<uint64_t> recvCount(R);
      MPI_Alltoall(sendCount.data(), 1, MPI_UINT64_T, recvCount.data(), 1, MPI_UINT64_T,
                   MPI_COMM_WORLD);
      std::vector<int> sc(R), sd(R), rc(R), rd(R);
      uint64_t sPos = 0, rPos = 0;
      for (size_t d = 0; d < R; ++d) {
        if (sPos + sendCount[d] > INT32_MAX || rPos + recvCount[d] > INT32_MAX) {
          std::fprintf(stderr, "alltoallv_raw: more than 2^31 records on a rank\n");
          MPI_Abort(MPI_COMM_WORLD, 2);
        }
        sc[d] = int(sendCount[d]);
        sd[d] = int(sPos);
        rc[d] = int(recvCount[d]);
        rd[d] = int(rPos);
        sPos += sendCount[d];
        rPos += recvCount[d];
      }
      receivedRecords = rPos;
      char* recv = recvBuffer.get(size_t(rPos) * kRecord);
      MPI_Alltoallv(send, sc.data(), sd.data(), recordType, recv, rc.data(), rd.data(), recordType,
                    MPI_COMM_WORLD);
      received = recv;
    }
    const double exchangeSecs = since(exchangeStart);

    const auto sumStart = Clock::now();
    uint64_t sums[2] = {receivedRecords, 0};
    uint64_t checksum = 0;
#pragma omp parallel for schedule(static) reduction(+ : checksum) num_threads(threads)
    for (size_t i = 0; i < size_t(receivedRecords); ++i) {
      const char* rec = received + i * kRecord;
      checksum += recordSum(keyOf(rec), rec + 8);
    }
    sums[1] = checksum;
    MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    const double sumSecs = since(sumStart);
    const double secs = since(start);

    // Untimed: every received record belongs to a partition this rank owns.
    uint64_t misplaced = 0;
    for (size_t i = 0; i < size_t(receivedRecords); ++i)
      misplaced += (keyOf(received + i * kRecord) % P) % R != size_t(rank);
    MPI_Allreduce(MPI_IN_PLACE, &misplaced, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (misplaced != 0 || sums[0] != n) status = 1;

    if (rank == 0) {
      const double b = double(n) * double(kRecord);
      std::printf(
          "raw ranks=%d threads=%d records=%llu bytes=%.0f seconds=%g gbps=%g checksum=%llu:%llu "
          "pack=%g exchange=%g sum=%g%s\n",
          size, threads, (unsigned long long)sums[0], b, secs, b / secs / 1e9,
          (unsigned long long)sums[0], (unsigned long long)sums[1], packSecs, exchangeSecs, sumSecs,
          misplaced ? " MISPLACED" : "");
      std::fflush(stdout);
    }
  }
  MPI_Type_free(&recordType);
  MPI_Finalize();
  return status;
}
