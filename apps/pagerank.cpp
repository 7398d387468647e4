// PageRank of a directed graph by power iteration, as Spark's PageRank example but normalized:
//   rank(v) = (1 - d) / N + d * (sum over edges u->v of rank(u) / outdegree(u) + dangling / N)
// where N counts every vertex that appears in an edge, ranks start at 1/N, and `dangling` is
// the rank held by vertices without out-edges (spread evenly, so the ranks always sum to 1).
//   mpirun -n 3 ./pagerank EDGES OUTDIR [--iterations 10] [--damping 0.85] [--partitions P]
// EDGES: text, one "src dst" per line (whitespace-separated vertex ids; '#' starts a comment).
// OUTDIR: part files of vertex<TAB>rank.
// How: the text is parsed once into cached blocks of edges (a block per batch of lines, one
// partition per task thread), and one pass over them finds the vertex ids (a bitmap while ids
// are below 2^28, else distinct()). Ids are then numbered densely (0..N-1), and each
// partition's edges are cached again grouped by destination (compressed rows). An iteration is
// one aggregate: every task pulls its edges' shares into a dense array of N sums, the driver adds
// the arrays up, and every rank (each gets the result of an action) computes the next ranks. The
// cost per task is N doubles of memory; the graph itself stays distributed.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <kiln/kiln.hpp>
#include <memory>
#include <span>
#include <string>

namespace {

using Edge = std::pair<long, long>;

// A batch of edges as parsed (vertex ids).
struct RawEdgeBlock {
  std::vector<long> from, to;
  void reserve(size_t n) {
    from.reserve(n);
    to.reserve(n);
  }
  void add(const Edge& e) {
    from.push_back(e.first);
    to.push_back(e.second);
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& from& to;
  }
};

// The vertex ids that occur, as a bitmap: one pass, no shuffle. Ids of 2^28 and above (a
// 32 MiB bitmap) mark the set sparse, and the caller falls back to distinct().
struct VertexIdSet {
  static constexpr long kMaxBitmapId = 1L << 28;
  std::vector<uint64_t> bits;
  bool sparse = false;
  void add(const std::vector<long>& ids) {
    if (sparse || ids.empty()) return;
    const long top = *std::max_element(ids.begin(), ids.end());
    if (top >= kMaxBitmapId) {
      sparse = true;
      bits.clear();
      return;
    }
    if (bits.size() * 64 <= size_t(top)) bits.resize(size_t(top) / 64 + 1);
    for (long v : ids) bits[size_t(v) / 64] |= uint64_t(1) << (v % 64);
  }
  static VertexIdSet merge(VertexIdSet a, VertexIdSet b) {
    if (a.sparse || b.sparse) return VertexIdSet{{}, true};
    if (a.bits.size() < b.bits.size()) std::swap(a, b);
    for (size_t i = 0; i < b.bits.size(); ++i) a.bits[i] |= b.bits[i];
    return a;
  }
  std::vector<long> ascending() const {
    std::vector<long> ids;
    for (size_t w = 0; w < bits.size(); ++w)
      for (uint64_t m = bits[w]; m != 0; m &= m - 1)
        ids.push_back(long(w * 64 + size_t(__builtin_ctzll(m))));
    return ids;
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& bits& sparse;
  }
};

// One partition's edges as dense vertex numbers, grouped by destination (compressed rows):
// targets[k] has in-edges from sources[start[k]] .. sources[start[k + 1] - 1]. An iteration
// pulls along them: one random read per edge and one write per target, not a scattered
// read-modify-write per edge.
struct InEdges {
  std::vector<uint32_t> targets, start, sources;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& targets& start& sources;
  }
};

// The partition's edges, numbered by dense(id), as in-edge rows: a counting sort on the
// destination, straight from the edge blocks (sources keep their input order within a row).
// dense(to) is looked up twice, cheap for the direct table that generated ids get.
template <class Dense>
InEdges groupByDestination(const std::vector<RawEdgeBlock>& part, size_t n, Dense dense) {
  std::vector<uint32_t> at(n + 1, 0);  // in-edges per vertex, then where each row starts
  for (const RawEdgeBlock& b : part)
    for (long to : b.to) ++at[dense(to) + 1];
  InEdges g;
  g.start.push_back(0);
  for (size_t v = 0; v < n; ++v) {
    if (at[v + 1] == 0) continue;
    g.targets.push_back(uint32_t(v));
    g.start.push_back(g.start.back() + at[v + 1]);
  }
  for (size_t v = 0; v < n; ++v) at[v + 1] += at[v];
  g.sources.resize(at[n]);
  for (const RawEdgeBlock& b : part)
    for (size_t i = 0; i < b.from.size(); ++i) g.sources[at[dense(b.to[i])]++] = dense(b.from[i]);
  return g;
}

bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Blank and '#' lines hold no edge.
bool holdsEdge(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && isSpace(line[i])) ++i;
  return i < line.size() && line[i] != '#';
}

// "src dst" -> the edge; anything else is an error naming the line.
Edge parseEdge(const std::string& line) {
  long v[2] = {0, 0};
  const char *p = line.data(), *end = line.data() + line.size();
  bool ok = true;
  for (int i = 0; i < 2 && ok; ++i) {
    while (p < end && isSpace(*p)) ++p;
    auto [next, ec] = std::from_chars(p, end, v[i]);
    ok = ec == std::errc() && next != p && v[i] >= 0 && (next == end || isSpace(*next));
    p = next;
  }
  while (ok && p < end && isSpace(*p)) ++p;
  if (!ok || p != end)
    throw kiln::Error("pagerank: bad edge line '" + line +
                      "': expected two non-negative vertex ids, 'src dst'");
  return {v[0], v[1]};
}

// A batch of lines as one block of edges; blank and comment lines are skipped.
std::vector<RawEdgeBlock> parseEdges(std::span<const std::string> lines) {
  RawEdgeBlock b;
  b.reserve(lines.size());
  for (const std::string& line : lines)
    if (holdsEdge(line)) b.add(parseEdge(line));
  return {std::move(b)};
}

// Element-wise sum, for aggregate's combine step.
template <class T>
std::vector<T> addUp(std::vector<T> a, std::vector<T> b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
}

std::string formatRank(const std::pair<long, double>& vr) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, vr.second);  // shortest exact form
  return std::to_string(vr.first) + "\t" + std::string(buf, end);
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: pagerank EDGES OUTDIR [--iterations N] [--damping D] [--partitions P]\n"
                "  EDGES   text file(s) of 'src dst' lines (vertex ids >= 0; '#' comments)\n"
                "  OUTDIR  output directory (must not exist): vertex<TAB>rank lines\n"
                "  N       iterations (default 10); D damping (default 0.85)\n";
    return 0;
  }
  int iterations = 10, partitions = 0;
  double damping = 0.85;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--iterations" || a == "--damping" || a == "--partitions") {
      if (i + 1 == args.size()) {
        if (sc.isDriver()) std::cerr << "pagerank: " << a << " needs a value\n";
        return 2;
      }
      const std::string& v = args[++i];
      char* end = nullptr;
      double x = std::strtod(v.c_str(), &end);
      bool ok = end != v.c_str() && *end == 0;
      if (a == "--damping") {
        ok = ok && x >= 0 && x <= 1;
        damping = x;
      } else {
        ok = ok && x >= (a == "--iterations" ? 0 : 1) && x == double(long(x));
        (a == "--iterations" ? iterations : partitions) = int(x);
      }
      if (!ok) {
        if (sc.isDriver())
          std::cerr << "pagerank: " << a << " " << v << ": expected "
                    << (a == "--damping" ? "a number in [0, 1]" : "a whole number") << "\n";
        return 2;
      }
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2) {
    if (sc.isDriver()) std::cerr << "usage: pagerank EDGES OUTDIR [options] (--help)\n";
    return 2;
  }

  // Parsed once, a batch of lines into one block of edges as they stream by (no record per
  // edge), in one partition per task thread unless --partitions asks for a shuffle.
  auto packEdges = [](std::span<const Edge> batch) {
    RawEdgeBlock b;
    b.reserve(batch.size());
    for (const Edge& e : batch) b.add(e);
    return std::vector<RawEdgeBlock>{std::move(b)};
  };
  auto lines = sc.textFile(positional[0]);
  const int inputPartitions = lines.getNumPartitions();
  auto raw =
      (partitions > 0 && partitions != inputPartitions)
          ? lines.filter(holdsEdge).map(parseEdge).repartition(partitions).mapBatches(packEdges)
          : lines.coalesce(std::min(inputPartitions, sc.defaultParallelism()))
                .mapBatches(parseEdges);
  raw.cache();
  // Dense numbering: the sorted vertex ids; every rank gets them (an action's result).
  const VertexIdSet idSet = raw.aggregate(
      VertexIdSet{},
      [](VertexIdSet set, const RawEdgeBlock& b) {
        set.add(b.from);
        set.add(b.to);
        return set;
      },
      VertexIdSet::merge);
  std::vector<long> vertexIds;
  if (!idSet.sparse) {
    vertexIds = idSet.ascending();
  } else {
    vertexIds = raw.flatMap([](const RawEdgeBlock& b) {
                     std::vector<long> ids(b.from);
                     ids.insert(ids.end(), b.to.begin(), b.to.end());
                     return ids;
                   })
                    .distinct()
                    .collect();
    std::sort(vertexIds.begin(), vertexIds.end());
  }
  const size_t n = vertexIds.size();
  if (n == 0) throw kiln::Error("pagerank: " + positional[0] + " has no edges");
  if (n > size_t(UINT32_MAX)) throw kiln::Error("pagerank: more than 2^32 - 1 vertices");
  // Id -> number: a direct table when the ids are not much sparser than the vertices (as
  // generated graphs' ids are), else a binary search of the sorted ids.
  auto ids = std::make_shared<const std::vector<long>>(std::move(vertexIds));
  auto table = std::make_shared<std::vector<uint32_t>>();
  if (size_t(ids->back()) < 4 * n + 1024) {
    table->resize(size_t(ids->back()) + 1);
    for (size_t v = 0; v < n; ++v) (*table)[size_t((*ids)[v])] = uint32_t(v);
  }
  auto dense = [ids, table](long v) {
    if (!table->empty()) return (*table)[size_t(v)];
    return uint32_t(std::lower_bound(ids->begin(), ids->end(), v) - ids->begin());
  };
  auto graph = raw.mapPartitions([n, dense](std::vector<RawEdgeBlock>& part) {
                    return std::vector<InEdges>{groupByDestination(part, n, dense)};
                  })
                   .cache();
  const auto outDegree = graph.aggregate(
      std::vector<uint32_t>(n),
      [](std::vector<uint32_t> d, const InEdges& g) {
        for (uint32_t u : g.sources) ++d[u];
        return d;
      },
      addUp<uint32_t>);
  raw.unpersist();  // the in-edge rows are cached now
  std::vector<double> rank(n, 1.0 / double(n));
  // What each vertex sends along each of its out-edges; dangling vertices' rank is spread.
  // One array for every iteration: a job's tasks read it only while the job runs.
  auto share = std::make_shared<std::vector<double>>(n);
  double dangling = 0;
  for (size_t v = 0; v < n; ++v) {
    if (outDegree[v] == 0)
      dangling += rank[v];
    else
      (*share)[v] = rank[v] / double(outDegree[v]);
  }
  for (int it = 0; it < iterations; ++it) {
    const auto sums = graph.aggregate(
        std::vector<double>(n),
        [share](std::vector<double> sum, const InEdges& g) {
          const double* s = share->data();
          const uint32_t* source = g.sources.data();
          for (size_t k = 0; k < g.targets.size(); ++k) {
            double in = 0;
            for (uint32_t j = g.start[k], end = g.start[k + 1]; j < end; ++j) in += s[source[j]];
            sum[g.targets[k]] += in;
          }
          return sum;
        },
        addUp<double>);
    // The next ranks and, in the same pass, the next iteration's shares.
    const double teleport = (1 - damping) / double(n), spread = dangling / double(n);
    double nextDangling = 0;
    for (size_t v = 0; v < n; ++v) {
      rank[v] = teleport + damping * (sums[v] + spread);
      if (outDegree[v] == 0)
        nextDangling += rank[v];
      else
        (*share)[v] = rank[v] / double(outDegree[v]);
    }
    dangling = nextDangling;
  }
  std::vector<std::pair<long, double>> result(n);
  for (size_t v = 0; v < n; ++v) result[v] = {(*ids)[v], rank[v]};
  auto ranks = sc.parallelize(result, partitions > 0 ? partitions : std::max(1, inputPartitions));
  ranks.map(formatRank).saveAsTextFile(positional[1]);
  sc.out() << "pagerank: " << n << " vertices, " << iterations << " iteration(s), damping "
           << damping << "\n";
  return 0;
}
