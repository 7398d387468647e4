// PageRank of a directed graph by power iteration, as Spark's PageRank example but normalized:
//   rank(v) = (1 - d) / N + d * (sum over edges u->v of rank(u) / outdegree(u) + dangling / N)
// where N counts every vertex that appears in an edge, ranks start at 1/N, and `dangling` is
// the rank held by vertices without out-edges (spread evenly, so the ranks always sum to 1).
//   mpirun -n 3 ./pagerank EDGES OUTDIR [--iterations 10] [--damping 0.85] [--partitions P]
// EDGES: text, one "src dst" per line (whitespace-separated vertex ids; '#' starts a comment).
// OUTDIR: part files of vertex<TAB>rank.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>
#include <unordered_map>

namespace {

using Edge = std::pair<long, long>;

// One partition's out-edges in compressed rows: sources[i] points to
// targets[offsets[i] .. offsets[i + 1]).
struct Adjacency {
  std::vector<long> sources;
  std::vector<size_t> offsets;
  std::vector<long> targets;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& sources& offsets& targets;
  }
};

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
  // Partition p of the adjacency, the vertices, the ranks and the rank sums all hold the
  // vertices of hash bucket p, so each iteration zips partitions instead of joining by key.
  // The adjacency of a partition is one record in compressed rows: no vector per vertex.
  auto links = edges.partitionBy(byVertex)
                   .mapPartitions([](std::vector<Edge>& part) {
                     std::sort(part.begin(), part.end());
                     Adjacency a;
                     for (const Edge& e : part) {
                       if (a.sources.empty() || a.sources.back() != e.first) {
                         a.sources.push_back(e.first);
                         a.offsets.push_back(a.targets.size());
                       }
                       a.targets.push_back(e.second);
                     }
                     a.offsets.push_back(a.targets.size());
                     return std::vector<Adjacency>{std::move(a)};
                   })
                   .cache();
  auto vertices = edges.flatMap([](const Edge& e) {
                         return std::vector<long>{e.first, e.second};
                       })
                      .map([](long v) { return std::pair<long, char>(v, 0); })
                      .reduceByKey([](char a, char) { return a; }, byVertex)
                      .keys()
                      .cache();
  const double n = double(vertices.count());
  if (n == 0) throw kiln::Error("pagerank: " + positional[0] + " has no edges");
  auto ranks = vertices.map([n](long v) { return std::pair<long, double>(v, 1.0 / n); }).cache();
  for (int it = 0; it < iterations; ++it) {
    auto sums =
        links
            .zipPartitions(
                ranks,
                [](std::vector<Adjacency>& adj, std::vector<std::pair<long, double>>& part) {
                  std::unordered_map<long, double> rankOf(part.begin(), part.end());
                  std::vector<std::pair<long, double>> out;
                  for (const Adjacency& a : adj) {
                    out.reserve(out.size() + a.targets.size());
                    for (size_t i = 0; i < a.sources.size(); ++i) {
                      const size_t from = a.offsets[i], to = a.offsets[i + 1];
                      const double share = rankOf.at(a.sources[i]) / double(to - from);
                      for (size_t j = from; j < to; ++j) out.emplace_back(a.targets[j], share);
                    }
                  }
                  return out;
                })
            .reduceByKey(std::plus<>(), byVertex)
            .cache();
    const double dangling = std::max(0.0, 1.0 - sums.values().sum());
    auto next = vertices
                    .zipPartitions(
                        sums,
                        [n, damping, dangling](std::vector<long>& vs,
                                               std::vector<std::pair<long, double>>& ss) {
                          std::unordered_map<long, double> sumOf(ss.begin(), ss.end());
                          std::vector<std::pair<long, double>> out;
                          out.reserve(vs.size());
                          for (long v : vs) {
                            auto it = sumOf.find(v);
                            const double in = it == sumOf.end() ? 0.0 : it->second;
                            out.emplace_back(v, (1 - damping) / n + damping * (in + dangling / n));
                          }
                          return out;
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
