// PageRank of a directed graph by power iteration, as Spark's PageRank example but normalized:
//   rank(v) = (1 - d) / N + d * (sum over edges u->v of rank(u) / outdegree(u) + dangling / N)
// where N counts every vertex that appears in an edge, ranks start at 1/N, and `dangling` is
// the rank held by vertices without out-edges (spread evenly, so the ranks always sum to 1).
//   mpirun -n 3 ./pagerank EDGES OUTDIR [--iterations 10] [--damping 0.85] [--partitions P]
// EDGES: text, one "src dst" per line (whitespace-separated vertex ids; '#' starts a comment).
// OUTDIR: part files of vertex<TAB>rank.
#include <charconv>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

namespace {

using Edge = std::pair<long, long>;

// "src dst" -> the edge; blank and '#' lines -> nothing; anything else is an error naming it.
std::vector<Edge> parseEdge(const std::string& line) {
  std::vector<std::string> w;
  for (std::string word : kiln::split(line)) w.push_back(std::move(word));
  if (w.empty() || w[0][0] == '#') return {};
  long v[2] = {0, 0};
  bool ok = w.size() == 2;
  for (size_t i = 0; ok && i < 2; ++i) {
    auto [end, ec] = std::from_chars(w[i].data(), w[i].data() + w[i].size(), v[i]);
    ok = ec == std::errc() && end == w[i].data() + w[i].size() && v[i] >= 0;
  }
  if (!ok)
    throw kiln::Error("pagerank: bad edge line '" + line +
                      "': expected two non-negative vertex ids, 'src dst'");
  return {Edge(v[0], v[1])};
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

  auto edges = sc.textFile(positional[0]).flatMap(parseEdge);
  if (partitions == 0) partitions = edges.getNumPartitions();
  auto byVertex = std::make_shared<kiln::HashPartitioner<long>>(partitions);
  // Adjacency lists and the vertex set, hash-partitioned alike: every join below is narrow.
  auto links = edges.groupByKey(byVertex).cache();
  auto vertices = edges.flatMap([](const Edge& e) {
                         return std::vector<long>{e.first, e.second};
                       })
                      .map([](long v) { return std::pair<long, char>(v, 0); })
                      .reduceByKey([](char a, char) { return a; }, byVertex)
                      .cache();
  const double n = double(vertices.count());
  if (n == 0) throw kiln::Error("pagerank: " + positional[0] + " has no edges");
  auto ranks = vertices.mapValues([n](char) { return 1.0 / n; }).cache();
  for (int it = 0; it < iterations; ++it) {
    auto sums = links.join(ranks)
                    .flatMap([](const std::pair<long, std::pair<std::vector<long>, double>>& e) {
                      const auto& [dsts, rank] = e.second;
                      std::vector<std::pair<long, double>> out;
                      out.reserve(dsts.size());
                      for (long d : dsts) out.emplace_back(d, rank / double(dsts.size()));
                      return out;
                    })
                    .reduceByKey(std::plus<>(), byVertex)
                    .cache();
    const double dangling = std::max(0.0, 1.0 - sums.values().sum());
    auto next =
        vertices.leftOuterJoin(sums)
            .mapValues([n, damping, dangling](const std::pair<char, std::optional<double>>& s) {
              return (1 - damping) / n + damping * (s.second.value_or(0.0) + dangling / n);
            })
            .cache();
    next.count();  // computed while sums and ranks are cached, then they go
    sums.unpersist();
    ranks.unpersist();
    ranks = next;
  }
  ranks.map(formatRank).saveAsTextFile(positional[1]);
  sc.out() << "pagerank: " << long(n) << " vertices, " << iterations << " iteration(s), damping "
           << damping << "\n";
  return 0;
}
