// Hand-written MPI + OpenMP PageRank, no framework: the practical limit for apps/pagerank (same
// formula, see pagerank_seq.cpp). Vertices are split into P contiguous id blocks. Every thread
// of every rank parses its byte range of the input; out-degrees are summed over ranks with one
// MPI_Allreduce; each edge goes to the rank owning its destination (one MPI_Alltoallv), which
// builds that block's in-edges in compressed rows (OpenMP counting sort). Each iteration a rank
// computes rank(u) / outdegree(u) for its block, MPI_Allgatherv gives everyone all of them, and
// its threads pull them along the block's in-edges; one MPI_Allreduce sums the contributions
// for the dangling mass. Rank r writes OUTDIR/part-r (5 digits): vertex<TAB>rank, ascending.
//   mpirun -n N pagerank_mpi EDGES OUTDIR [--iterations 10] [--damping 0.85]
// EDGES: a file or a directory of part files of "src dst" lines (ids < 2^32 - 1, dense).
// Threads per rank: OMP_NUM_THREADS, else the node's cores shared among its ranks.
#include <mpi.h>
#include <omp.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "baseline_args.hpp"
#include "baseline_io.hpp"
#include "bucket_offsets.hpp"
#include "mpi_threads.hpp"
#include "mpi_world.hpp"
#include "text_parse.hpp"

int main(int argc, char** argv) {
  const baseline::MpiWorld world(argc, argv);
  const int rank = world.rank, size = world.size;
  const auto args = baseline::parsePagerankArgs(argc, argv);
  if (!args) world.usage("pagerank_mpi EDGES OUTDIR [--iterations N] [--damping D]");
  const int iterations = args->iterations;
  const double damping = args->damping;
  const int threads = baseline::threadsPerRank(rank);
  const size_t P = size_t(size), T = size_t(threads);

  // Parse: thread t of rank r takes slot r*T + t of P*T equal byte ranges.
  const baseline::Inputs in(args->edges);
  std::vector<std::vector<baseline::Edge>> parsed(T);
  std::vector<uint32_t> maxIds(T, 0);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), slots = P * T, slot = size_t(rank) * T + t;
    baseline::forEachLineBlock(in, in.total() * slot / slots, in.total() * (slot + 1) / slots,
                               [&](const char* p, const char* end) {
                                 baseline::parseEdges("pagerank_mpi", p, end, parsed[t]);
                               });
    for (const baseline::Edge& e : parsed[t]) maxIds[t] = std::max({maxIds[t], e.src, e.dst});
  }
  uint64_t localEdges = 0, edges = 0;
  for (const auto& p : parsed) localEdges += p.size();
  MPI_Allreduce(&localEdges, &edges, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  if (edges == 0) {
    if (rank == 0) std::fprintf(stderr, "pagerank_mpi: %s has no edges\n", args->edges.c_str());
    MPI_Finalize();
    return 1;
  }
  uint32_t maxId = *std::max_element(maxIds.begin(), maxIds.end());
  MPI_Allreduce(MPI_IN_PLACE, &maxId, 1, MPI_UINT32_T, MPI_MAX, MPI_COMM_WORLD);
  const size_t V = size_t(maxId) + 1, B = (V + P - 1) / P;
  const size_t lo = std::min(V, size_t(rank) * B), hi = std::min(V, lo + B), owned = hi - lo;
  auto owner = [B](uint32_t v) { return size_t(v) / B; };

  // Out-degrees of all vertices: per-thread counts, summed over threads, then over ranks.
  std::vector<uint32_t> outDegree(V, 0);
  std::vector<std::vector<uint32_t>> threadDegree(T > 1 ? T : 0, std::vector<uint32_t>(V, 0));
  // Edges by destination rank: per-thread counts place every thread in the send buffer.
  std::vector<size_t> perThread(T * P, 0);  // [thread][rank]
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num());
    std::vector<uint32_t>& deg = T > 1 ? threadDegree[t] : outDegree;
    for (const baseline::Edge& e : parsed[t]) ++deg[e.src], ++perThread[t * P + owner(e.dst)];
    if (T > 1) {
#pragma omp barrier
#pragma omp for schedule(static)
      for (size_t v = 0; v < V; ++v) {
        uint32_t d = 0;
        for (size_t u = 0; u < T; ++u) d += threadDegree[u][v];
        outDegree[v] = d;
      }
    }
  }
  std::vector<std::vector<uint32_t>>().swap(threadDegree);
  MPI_Allreduce(MPI_IN_PLACE, outDegree.data(), int(V), MPI_UINT32_T, MPI_SUM, MPI_COMM_WORLD);

  std::vector<int> sendCounts(P), sendDispls(P), recvCounts(P), recvDispls(P);
  std::vector<size_t> place(T * P);
  size_t at = 0;
  for (size_t r = 0; r < P; ++r) {
    sendDispls[r] = int(at);
    for (size_t t = 0; t < T; ++t) place[t * P + r] = at, at += perThread[t * P + r];
    sendCounts[r] = int(at - size_t(sendDispls[r]));
  }
  std::vector<uint64_t> send(at);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num());
    size_t* next = place.data() + t * P;
    for (const baseline::Edge& e : parsed[t])
      send[next[owner(e.dst)]++] = uint64_t(e.src) << 32 | e.dst;
  }
  std::vector<std::vector<baseline::Edge>>().swap(parsed);
  MPI_Alltoall(sendCounts.data(), 1, MPI_INT, recvCounts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  size_t m = 0;
  for (size_t r = 0; r < P; ++r) recvDispls[r] = int(m), m += size_t(recvCounts[r]);
  std::vector<uint64_t> recv(m);
  MPI_Alltoallv(send.data(), sendCounts.data(), sendDispls.data(), MPI_UINT64_T, recv.data(),
                recvCounts.data(), recvDispls.data(), MPI_UINT64_T, MPI_COMM_WORLD);
  std::vector<uint64_t>().swap(send);

  // In-edges of the owned block in compressed rows: counting sort on the destination.
  std::vector<size_t> inStart(owned + 1, 0);
  std::vector<uint32_t> sources(m);
  {
    std::vector<size_t> hist(T * owned, 0);  // [thread][vertex]
#pragma omp parallel num_threads(threads)
    {
      const size_t t = size_t(omp_get_thread_num()), b = m * t / T, e = m * (t + 1) / T;
      size_t* h = hist.data() + t * owned;
      for (size_t i = b; i < e; ++i) ++h[size_t(uint32_t(recv[i])) - lo];
#pragma omp barrier
#pragma omp single
      baseline::countsToOffsets(hist, T, owned, inStart);
      for (size_t i = b; i < e; ++i)
        sources[h[size_t(uint32_t(recv[i])) - lo]++] = uint32_t(recv[i] >> 32);
    }
  }
  std::vector<uint64_t>().swap(recv);
  std::vector<uint8_t> present(owned);
  uint64_t localVertices = 0, vertices = 0;
  for (size_t v = 0; v < owned; ++v) {
    present[v] = outDegree[lo + v] > 0 || inStart[v + 1] > inStart[v];
    localVertices += present[v];
  }
  MPI_Allreduce(&localVertices, &vertices, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  const double n = double(vertices);

  std::vector<int> blockCounts(P), blockDispls(P);
  for (size_t r = 0; r < P; ++r) {
    blockDispls[r] = int(std::min(V, r * B));
    blockCounts[r] = int(std::min(V, (r + 1) * B) - size_t(blockDispls[r]));
  }
  std::vector<double> ranks(owned), sums(owned), share(V);
  for (size_t v = 0; v < owned; ++v) ranks[v] = present[v] ? 1.0 / n : 0.0;
  for (int it = 0; it < iterations; ++it) {
    double total = 0, allTotal = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp for schedule(static)
      for (size_t v = 0; v < owned; ++v)
        share[lo + v] = outDegree[lo + v] ? ranks[v] / double(outDegree[lo + v]) : 0;
#pragma omp master
      MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, share.data(), blockCounts.data(),
                     blockDispls.data(), MPI_DOUBLE, MPI_COMM_WORLD);
#pragma omp barrier
#pragma omp for schedule(dynamic, 4096) reduction(+ : total)
      for (size_t v = 0; v < owned; ++v) {
        double s = 0;
        for (size_t j = inStart[v]; j < inStart[v + 1]; ++j) s += share[sources[j]];
        sums[v] = s;
        total += s;
      }
    }
    MPI_Allreduce(&total, &allTotal, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    const double dangling = std::max(0.0, 1.0 - allTotal);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t v = 0; v < owned; ++v)
      ranks[v] = present[v] ? (1 - damping) / n + damping * (sums[v] + dangling / n) : 0.0;
  }

  if (rank == 0) mkdir(args->outdir.c_str(), 0755);
  MPI_Barrier(MPI_COMM_WORLD);
  std::string text;
  text.reserve(size_t(localVertices) * 32);
  char buf[64];
  for (size_t v = 0; v < owned; ++v) {
    if (!present[v]) continue;
    char* p = std::to_chars(buf, buf + sizeof buf, lo + v).ptr;
    *p++ = '\t';
    p = std::to_chars(p, buf + sizeof buf, ranks[v]).ptr;
    *p++ = '\n';
    text.append(buf, p);
  }
  baseline::writeFile(baseline::partName(args->outdir, rank), text.data(), text.size());
  MPI_Finalize();
  return 0;
}
