// Hand-written MPI + OpenMP k-means (Lloyd's algorithm), no framework: the practical limit for
// apps/kmeans with text input. Every thread of every rank parses its byte range of the input
// into its own flat array and keeps its K smallest-hash points; ranks exchange their K best
// with one MPI_Allgather to agree on the initial centres. Each iteration every thread sums its
// points into per-cluster totals, the threads' totals are added, and two MPI_Allreduce calls
// (sums and cost, counts) give every rank the new centres. Rank 0 writes OUTDIR/centres.txt
// and OUTDIR/cost.txt exactly as apps/kmeans does (see kmeans_kernel.hpp).
//   mpirun -n N kmeans_mpi INPUT K OUTDIR [--iterations 10] [--seed 1]
// INPUT: a text file or a directory of them, one point per line.
// Threads per rank: OMP_NUM_THREADS, else the node's cores shared among its ranks.
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "baseline_args.hpp"
#include "baseline_io.hpp"
#include "kmeans_kernel.hpp"
#include "mpi_threads.hpp"
#include "mpi_world.hpp"
#include "text_parse.hpp"

int main(int argc, char** argv) {
  const baseline::MpiWorld world(argc, argv);
  const int rank = world.rank, size = world.size;
  const auto args = baseline::parseKmeansArgs(argc, argv);
  if (!args) world.usage("kmeans_mpi INPUT K OUTDIR [--iterations N] [--seed S]");
  const long k = args->k, iterations = args->iterations, seed = args->seed;
  const int threads = baseline::threadsPerRank(rank);
  const size_t P = size_t(size), T = size_t(threads), kk = size_t(k);

  // Parse: thread t of rank r takes slot r*T + t of P*T equal byte ranges.
  const baseline::Inputs in(args->input);
  std::vector<std::vector<double>> points(T);
  std::vector<size_t> dims(T, 0);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), slots = P * T, slot = size_t(rank) * T + t;
    baseline::forEachLineBlock(in, in.total() * slot / slots, in.total() * (slot + 1) / slots,
                               [&](const char* p, const char* end) {
                                 baseline::parsePoints("kmeans_mpi", p, end, points[t], dims[t]);
                               });
  }
  // Every thread and rank with points must agree on the dimension.
  int dimMin = INT_MAX, dimMax = 0;
  for (size_t d : dims)
    if (d) dimMin = std::min(dimMin, int(d)), dimMax = std::max(dimMax, int(d));
  MPI_Allreduce(MPI_IN_PLACE, &dimMin, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &dimMax, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (dimMax > 0 && dimMin != dimMax) {
    if (rank == 0)
      std::fprintf(stderr, "kmeans_mpi: a point has %d coordinates, the others %d\n", dimMin,
                   dimMax);
    MPI_Finalize();
    return 1;
  }
  const size_t dim = size_t(dimMax);

  // Initial centres: each rank's K smallest hashes as (hash, valid, coordinates), gathered.
  using Candidate = std::tuple<uint64_t, std::vector<double>>;
  std::vector<Candidate> local;
  for (size_t t = 0; t < T && dim; ++t)
    for (const auto& [h, i] : baseline::smallestHashes(points[t].data(), points[t].size() / dim,
                                                       dim, kk, uint64_t(seed)))
      local.emplace_back(h, std::vector<double>(points[t].begin() + ptrdiff_t(i * dim),
                                                points[t].begin() + ptrdiff_t((i + 1) * dim)));
  std::sort(local.begin(), local.end());
  const size_t entry = 2 + dim;  // words: hash, valid, coordinates
  std::vector<uint64_t> mine(kk * entry, 0), everyone(kk * entry * P);
  for (size_t j = 0; j < std::min(kk, local.size()); ++j) {
    mine[j * entry] = std::get<0>(local[j]);
    mine[j * entry + 1] = 1;
    std::memcpy(&mine[j * entry + 2], std::get<1>(local[j]).data(), dim * 8);
  }
  MPI_Allgather(mine.data(), int(mine.size()), MPI_UINT64_T, everyone.data(), int(mine.size()),
                MPI_UINT64_T, MPI_COMM_WORLD);
  std::vector<Candidate> pool;
  for (size_t j = 0; j < kk * P; ++j) {
    if (!everyone[j * entry + 1]) continue;
    std::vector<double> p(dim);
    std::memcpy(p.data(), &everyone[j * entry + 2], dim * 8);
    pool.emplace_back(everyone[j * entry], std::move(p));
  }
  if (pool.size() < kk) {
    if (rank == 0)
      std::fprintf(stderr, "kmeans_mpi: %s has %zu point(s), fewer than K = %ld\n",
                   args->input.c_str(), pool.size(), k);
    MPI_Finalize();
    return 1;
  }
  std::sort(pool.begin(), pool.end());
  std::vector<double> centres;
  for (size_t j = 0; j < kk; ++j)
    centres.insert(centres.end(), std::get<1>(pool[j]).begin(), std::get<1>(pool[j]).end());

  std::vector<double> costs;
  std::vector<baseline::Totals> perThread(T, baseline::Totals(kk, dim));
  for (long it = 0; it < iterations; ++it) {
#pragma omp parallel num_threads(threads)
    {
      const size_t t = size_t(omp_get_thread_num());
      perThread[t] = baseline::Totals(kk, dim);
      baseline::lloyd(points[t].data(), points[t].size() / dim, dim, centres, perThread[t]);
    }
    baseline::Totals all = perThread[0];
    for (size_t t = 1; t < T; ++t) all.add(perThread[t]);
    all.sums.push_back(all.cost);  // one reduction for the sums and the cost
    MPI_Allreduce(MPI_IN_PLACE, all.sums.data(), int(all.sums.size()), MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, all.counts.data(), int(kk), MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    all.cost = all.sums.back();
    all.sums.pop_back();
    costs.push_back(all.cost);
    baseline::updateCentres(all, dim, centres);
  }
  if (rank == 0) baseline::writeResults(args->outdir, centres, dim, costs);
  MPI_Finalize();
  return 0;
}
