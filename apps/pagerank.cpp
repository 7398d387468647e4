// PageRank of a directed graph by power iteration, as Spark's PageRank example but normalized:
//   rank(v) = (1 - d) / N + d * (sum over edges u->v of rank(u) / outdegree(u) + dangling / N)
// where N counts every vertex that appears in an edge, ranks start at 1/N, and `dangling` is
// the rank held by vertices without out-edges (spread evenly, so the ranks always sum to 1).
//   mpirun -n 3 ./pagerank EDGES OUTDIR [--iterations 10] [--damping 0.85] [--partitions P]
// EDGES: text, one "src dst" per line (whitespace-separated vertex ids; '#' starts a comment).
// OUTDIR: part files of vertex<TAB>rank.
// How: the text is parsed once into cached blocks of edges (a block per batch of lines, one
// partition per task thread), and one pass over them finds the vertex ids (a bitmap while ids
// are below 2^28, else distinct()). Ids are then numbered densely (0..N-1). One shuffle deals
// the destinations out round-robin (vertex v to partition v % P), and each partition caches
// the in-edges of its vertices as compressed rows. An iteration is one collect: every task pulls
// the shares along its rows into the sums of its own vertices, and every rank (each gets the
// result of an action) computes the next ranks from the P disjoint slices, with nothing to add
// up. The graph stays distributed; every rank holds N ranks and shares.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <kiln/kiln.hpp>
#include <memory>
#include <span>
#include <string>

namespace {

using Edge = std::pair<long, long>;

// A batch of edges as parsed. Ids are kept in 32 bits while they fit (half the memory of the
// cached edges, which are read twice); a block that meets a larger id widens all its edges.
struct RawEdgeBlock {
  std::vector<uint32_t> from, to;      // while every id of the block is below 2^32
  std::vector<long> wideFrom, wideTo;  // once one is not: all the block's edges
  bool wide() const { return !wideFrom.empty(); }
  size_t size() const { return wide() ? wideFrom.size() : from.size(); }
  void reserve(size_t n) {
    from.reserve(n);
    to.reserve(n);
  }
  void add(const Edge& e) {
    if (!wide() && e.first <= long(UINT32_MAX) && e.second <= long(UINT32_MAX)) {
      from.push_back(uint32_t(e.first));
      to.push_back(uint32_t(e.second));
      return;
    }
    if (!wide()) {
      wideFrom.assign(from.begin(), from.end());
      wideTo.assign(to.begin(), to.end());
      std::vector<uint32_t>().swap(from);
      std::vector<uint32_t>().swap(to);
    }
    wideFrom.push_back(e.first);
    wideTo.push_back(e.second);
  }
  // f(fromIds, toIds) with the block's two id arrays, whichever width they have.
  template <class F>
  void visit(F f) const {
    if (wide())
      f(wideFrom, wideTo);
    else
      f(from, to);
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& from& to& wideFrom& wideTo;
  }
};

// The vertex ids that occur, as a bitmap: one pass, no shuffle. Ids of 2^28 and above (a
// 32 MiB bitmap) mark the set sparse, and the caller falls back to distinct().
struct VertexIdSet {
  static constexpr long kMaxBitmapId = 1L << 28;
  std::vector<uint64_t> bits;
  bool sparse = false;
  template <class Id>
  void add(const std::vector<Id>& ids) {
    if (sparse || ids.empty()) return;
    const long top = long(*std::max_element(ids.begin(), ids.end()));
    if (top >= kMaxBitmapId) {
      sparse = true;
      bits.clear();
      return;
    }
    if (bits.size() * 64 <= size_t(top)) bits.resize(size_t(top) / 64 + 1);
    for (Id v : ids) bits[size_t(v) / 64] |= uint64_t(1) << (v % 64);
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

// Edges bound for one partition of the graph, as dense vertex numbers: each destination as its
// row in that partition (see DestinationDeal), and the source. One record per batch of cached
// blocks and partition, so the shuffle moves a few large arrays, not ten million pairs. A pair
// of vectors, not a class with serialize(): Kiln copies those with memcpy, not through Boost.
using EdgeBatch = std::pair<std::vector<uint32_t>, std::vector<uint32_t>>;  // (rows, sources)

// Partition p holds the destinations p, p + P, p + 2P, ... (P partitions): each task of an
// iteration sums into its own share of the vertices, so the shares need no adding up. Dealt
// round-robin, not in contiguous ranges, because graphs' in-degrees often drift with the id.
class DestinationDeal {
 public:
  DestinationDeal(size_t n, int parts)
      : n_(n), parts_(uint32_t(parts)), magic_(parts > 1 ? UINT64_MAX / uint64_t(parts) + 1 : 0) {}
  // v % P and v / P (v's row in its partition) by multiplications, exact for 32-bit v
  // (Lemire, Kaser and Kurz, "Faster remainder by direct computation"): a division per edge
  // would cost as much as the rest of the routing.
  uint32_t partOf(uint32_t v) const {
    return parts_ == 1 ? 0 : uint32_t((__uint128_t(magic_ * v) * parts_) >> 64);
  }
  uint32_t rowOf(uint32_t v) const {
    return parts_ == 1 ? v : uint32_t((__uint128_t(magic_) * v) >> 64);
  }
  // How many vertices partition p holds.
  size_t count(int p) const { return (n_ + parts_ - 1 - size_t(p)) / parts_; }
  uint32_t parts() const { return parts_; }

 private:
  size_t n_;
  uint32_t parts_;
  uint64_t magic_;  // ceil(2^64 / P)
};

// The in-edges of the destinations first, first + stride, ... in compressed rows: vertex
// first + k * stride has in-edges from sources[start[k]] .. sources[start[k + 1] - 1]. An
// iteration pulls along them: one random read per edge and one sequential write per vertex.
struct InEdges {
  uint32_t first = 0, stride = 1;
  std::vector<uint32_t> start, sources;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& first& stride& start& sources;
  }
};

// A counting sort on the row (sources keep their arrival order within a row).
InEdges groupByDestination(const std::vector<std::pair<int, EdgeBatch>>& batches, uint32_t first,
                           uint32_t stride, size_t count) {
  size_t edges = 0;
  for (const auto& [p, batch] : batches) edges += batch.first.size();
  if (edges > size_t(UINT32_MAX))
    throw kiln::Error("pagerank: more than 2^32 - 1 edges in one partition (use --partitions)");
  InEdges g;
  g.first = first;
  g.stride = stride;
  g.start.assign(count + 1, 0);
  for (const auto& [p, batch] : batches)
    for (uint32_t k : batch.first) ++g.start[k + 1];
  for (size_t k = 0; k < count; ++k) g.start[k + 1] += g.start[k];
  std::vector<uint32_t> at(g.start.begin(), g.start.end() - 1);
  g.sources.resize(edges);
  for (const auto& [p, batch] : batches) {
    const auto& [rows, sources] = batch;
    for (size_t i = 0; i < rows.size(); ++i) g.sources[at[rows[i]]++] = sources[i];
  }
  return g;
}

// Per row, the sum of the shares of its in-edges' sources.
std::vector<double> pullShares(const InEdges& g, const double* share) {
  std::vector<double> sum(g.start.size() - 1);
  const uint32_t* source = g.sources.data();
  for (size_t k = 0; k < sum.size(); ++k) {
    double in = 0;
    for (uint32_t j = g.start[k], end = g.start[k + 1]; j < end; ++j) in += share[source[j]];
    sum[k] = in;
  }
  return sum;
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

// The common line, "digits spaces digits", read without from_chars' generality; false for
// anything else (blank, comment, a sign, 19 or more digits, an error), which parseEdge reads.
bool parsePlainEdge(const std::string& line, Edge& e) {
  const char *p = line.data(), *end = line.data() + line.size();
  long v[2];
  for (long& id : v) {
    while (p < end && isSpace(*p)) ++p;
    const char* digits = p;
    uint64_t x = 0;
    while (p < end && unsigned(*p - '0') < 10) x = x * 10 + uint64_t(*p++ - '0');
    if (p == digits || p - digits > 18 || (p < end && !isSpace(*p))) return false;
    id = long(x);
  }
  while (p < end && isSpace(*p)) ++p;
  e = {v[0], v[1]};
  return p == end;
}

// A batch of lines as one block of edges; blank and comment lines are skipped.
std::vector<RawEdgeBlock> parseEdges(std::span<const std::string> lines) {
  RawEdgeBlock b;
  b.reserve(lines.size());
  Edge e;
  for (const std::string& line : lines)
    if (parsePlainEdge(line, e))
      b.add(e);
    else if (holdsEdge(line))
      b.add(parseEdge(line));
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
        b.visit([&](const auto& from, const auto& to) {
          set.add(from);
          set.add(to);
        });
        return set;
      },
      VertexIdSet::merge);
  std::vector<long> vertexIds;
  if (!idSet.sparse) {
    vertexIds = idSet.ascending();
  } else {
    vertexIds = raw.flatMap([](const RawEdgeBlock& b) {
                     std::vector<long> ids;
                     b.visit([&](const auto& from, const auto& to) {
                       ids.assign(from.begin(), from.end());
                       ids.insert(ids.end(), to.begin(), to.end());
                     });
                     return ids;
                   })
                    .distinct()
                    .collect();
    std::sort(vertexIds.begin(), vertexIds.end());
  }
  const size_t n = vertexIds.size();
  if (n == 0) throw kiln::Error("pagerank: " + positional[0] + " has no edges");
  if (n > size_t(UINT32_MAX)) throw kiln::Error("pagerank: more than 2^32 - 1 vertices");
  // Id -> number (0..n-1): nothing to look up when the ids are 0..n-1 already (as generated
  // graphs' ids are), a direct table when they are not much sparser than the vertices, else a
  // binary search of the sorted ids.
  auto ids = std::make_shared<const std::vector<long>>(std::move(vertexIds));
  // The edges go to the partition that holds their destination, where they become rows.
  const int graphPartitions = raw.getNumPartitions();
  auto deal = std::make_shared<DestinationDeal>(n, graphPartitions);
  auto inEdgeRows = [&](auto dense) {
    return raw
        .mapBatches([dense, deal](std::span<const RawEdgeBlock> part) {
          const uint32_t parts = deal->parts();
          // Counted first, so each batch is sized once and filled by plain stores.
          std::vector<size_t> fill(parts, 0);
          for (const RawEdgeBlock& b : part)
            b.visit([&](const auto&, const auto& to) {
              for (auto v : to) ++fill[deal->partOf(dense(long(v)))];
            });
          std::vector<std::pair<int, EdgeBatch>> out(parts);
          for (uint32_t p = 0; p < parts; ++p) {
            out[p].first = int(p);
            out[p].second.first.resize(fill[p]);
            out[p].second.second.resize(fill[p]);
            fill[p] = 0;
          }
          for (const RawEdgeBlock& b : part)
            b.visit([&](const auto& from, const auto& to) {
              for (size_t i = 0; i < from.size(); ++i) {
                const uint32_t v = dense(long(to[i])), p = deal->partOf(v);
                auto& [rows, sources] = out[p].second;
                rows[fill[p]] = deal->rowOf(v);
                sources[fill[p]++] = dense(long(from[i]));
              }
            });
          return out;
        })
        .partitionBy(kiln::Partitioning<int>(  // keyed by the partition it goes to
            kiln::makePartitioner<int>(graphPartitions, [](int p) { return p; })))
        .mapPartitionsWithIndex([deal](int p, std::vector<std::pair<int, EdgeBatch>>& batches) {
          return std::vector<InEdges>{
              groupByDestination(batches, uint32_t(p), deal->parts(), deal->count(p))};
        });
  };
  const auto graph = [&]() -> kiln::RDD<InEdges> {
    if (size_t(ids->back()) + 1 == n) return inEdgeRows([](long v) { return uint32_t(v); });
    if (size_t(ids->back()) < 4 * n + 1024) {
      auto table = std::make_shared<std::vector<uint32_t>>(size_t(ids->back()) + 1);
      for (size_t v = 0; v < n; ++v) (*table)[size_t((*ids)[v])] = uint32_t(v);
      return inEdgeRows([table](long v) { return (*table)[size_t(v)]; });
    }
    return inEdgeRows([ids](long v) {
      return uint32_t(std::lower_bound(ids->begin(), ids->end(), v) - ids->begin());
    });
  }();
  graph.cache();
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
    // Each task sums the shares along its rows: (first vertex, stride, sums).
    const auto slices = graph
                            .map([share](const InEdges& g) {
                              return std::tuple(g.first, g.stride, pullShares(g, share->data()));
                            })
                            .collect();
    // The next ranks and, in the same pass, the next iteration's shares.
    const double teleport = (1 - damping) / double(n), spread = dangling / double(n);
    double nextDangling = 0;
    for (const auto& [first, stride, sums] : slices)
      for (size_t k = 0; k < sums.size(); ++k) {
        const size_t v = first + k * stride;
        rank[v] = teleport + damping * (sums[k] + spread);
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
