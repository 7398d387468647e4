// Single-threaded PageRank, no framework: the COST baseline for apps/pagerank (same formula:
//   rank(v) = (1 - d) / N + d * (sum over edges u->v of rank(u) / outdegree(u) + dangling / N),
// N the vertices that appear in an edge, ranks starting at 1/N, dangling = 1 - the summed
// contributions). Parses the edges, builds the in-edges in compressed rows by a counting sort
// on the destination, and iterates by pulling rank(u) / outdegree(u) along each vertex's
// in-edges. Writes OUTDIR/part-00000 with vertex<TAB>rank lines (ascending vertex id).
//   pagerank_seq EDGES OUTDIR [--iterations 10] [--damping 0.85]
// EDGES: a file, or a directory of part files, of "src dst" lines (ids < 2^32 - 1; arrays are
// indexed by id, so ids should be dense, as gen_graph's are).
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "baseline_args.hpp"
#include "baseline_io.hpp"
#include "text_parse.hpp"

int main(int argc, char** argv) {
  const auto args = baseline::parsePagerankArgs(argc, argv);
  if (!args) {
    std::fprintf(stderr, "usage: pagerank_seq EDGES OUTDIR [--iterations N] [--damping D]\n");
    return 2;
  }
  const int iterations = args->iterations;
  const double damping = args->damping;
  const baseline::Inputs in(args->edges);
  std::vector<baseline::Edge> edges;
  baseline::forEachLineBlock(in, 0, in.total(), [&](const char* p, const char* end) {
    baseline::parseEdges("pagerank_seq", p, end, edges);
  });
  if (edges.empty()) baseline::die("pagerank_seq: " + args->edges + " has no edges");

  uint32_t maxId = 0;
  for (const baseline::Edge& e : edges) maxId = std::max({maxId, e.src, e.dst});
  const size_t V = size_t(maxId) + 1;
  std::vector<uint32_t> outDegree(V, 0);
  std::vector<size_t> inStart(V + 1, 0);  // in-edges of v: sources[inStart[v] .. inStart[v + 1])
  for (const baseline::Edge& e : edges) ++outDegree[e.src], ++inStart[size_t(e.dst) + 1];
  for (size_t v = 0; v < V; ++v) inStart[v + 1] += inStart[v];
  std::vector<uint32_t> sources(edges.size());
  {
    std::vector<size_t> next(inStart.begin(), inStart.end() - 1);
    for (const baseline::Edge& e : edges) sources[next[e.dst]++] = e.src;
  }
  std::vector<baseline::Edge>().swap(edges);
  std::vector<uint8_t> present(V);
  size_t vertices = 0;
  for (size_t v = 0; v < V; ++v) {
    present[v] = outDegree[v] > 0 || inStart[v + 1] > inStart[v];
    vertices += present[v];
  }
  const double n = double(vertices);

  std::vector<double> rank(V), share(V), sums(V);
  for (size_t v = 0; v < V; ++v) rank[v] = present[v] ? 1.0 / n : 0.0;
  for (int it = 0; it < iterations; ++it) {
    for (size_t u = 0; u < V; ++u) share[u] = outDegree[u] ? rank[u] / double(outDegree[u]) : 0;
    double total = 0;
    for (size_t v = 0; v < V; ++v) {
      double s = 0;
      for (size_t j = inStart[v]; j < inStart[v + 1]; ++j) s += share[sources[j]];
      sums[v] = s;
      total += s;
    }
    const double dangling = std::max(0.0, 1.0 - total);
    for (size_t v = 0; v < V; ++v)
      rank[v] = present[v] ? (1 - damping) / n + damping * (sums[v] + dangling / n) : 0.0;
  }

  mkdir(args->outdir.c_str(), 0755);
  std::string text;
  text.reserve(vertices * 32);
  char buf[64];
  for (size_t v = 0; v < V; ++v) {
    if (!present[v]) continue;
    char* p = std::to_chars(buf, buf + sizeof buf, v).ptr;
    *p++ = '\t';
    p = std::to_chars(p, buf + sizeof buf, rank[v]).ptr;
    *p++ = '\n';
    text.append(buf, p);
  }
  baseline::writeFile(baseline::partName(args->outdir, 0), text.data(), text.size());
  return 0;
}
