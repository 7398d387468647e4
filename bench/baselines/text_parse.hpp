// Parsers of whole-line text blocks for the baselines, accepting what the Kiln apps accept:
//  - parseEdges: apps/pagerank's "src dst" lines (whitespace as in kiln::split; blank lines and
//    lines whose first word starts with '#' skipped; anything else must be two non-negative
//    integers). Vertex ids index arrays directly in the baselines, so they must fit 32 bits.
//  - parsePoints: apps/kmeans's text points (lines of only ' ', '\t', '\r' skipped; every word
//    a finite number as std::from_chars reads it; all points of one dimension).
// Both exit with a message naming the offending line.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "baseline_io.hpp"

namespace baseline {

struct Edge {
  uint32_t src, dst;
};

inline const char* lineEnd(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', size_t(end - p));
  return nl ? static_cast<const char*>(nl) : end;
}

[[noreturn]] inline void badLine(const char* program, const char* what, const char* p,
                                 const char* eol) {
  die(std::string(program) + ": bad " + what + " line '" + std::string(p, eol) + "'");
}

inline void parseEdges(const char* program, const char* p, const char* end,
                       std::vector<Edge>& out) {
  while (p < end) {
    const char* eol = lineEnd(p, end);
    const char* q = p;
    while (q < eol && isSpace(*q)) ++q;
    if (q < eol && *q != '#') {
      uint64_t v[2];
      for (int k = 0; k < 2; ++k) {
        auto [e, ec] = std::from_chars(q, eol, v[k]);
        if (ec != std::errc() || e == q || (e < eol && !isSpace(*e)) || v[k] >= UINT32_MAX)
          badLine(program, "edge", p, eol);
        q = e;
        while (q < eol && isSpace(*q)) ++q;
        if (k == 0 && q == eol) badLine(program, "edge", p, eol);
      }
      if (q != eol) badLine(program, "edge", p, eol);
      out.push_back(Edge{uint32_t(v[0]), uint32_t(v[1])});
    }
    p = eol + 1;
  }
}

// Appends each point's coordinates to out; dim is the first point's dimension if it is 0.
inline void parsePoints(const char* program, const char* p, const char* end,
                        std::vector<double>& out, size_t& dim) {
  while (p < end) {
    const char* eol = lineEnd(p, end);
    const char* q = p;
    while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    if (q < eol) {
      size_t coords = 0;
      for (q = p;;) {
        while (q < eol && isSpace(*q)) ++q;
        if (q == eol) break;
        double x;
        auto [e, ec] = std::from_chars(q, eol, x);
        if (ec != std::errc() || (e < eol && !isSpace(*e)) || !std::isfinite(x))
          badLine(program, "point", p, eol);
        out.push_back(x);
        ++coords;
        q = e;
      }
      if (dim == 0) dim = coords;
      if (coords != dim || dim == 0)
        die(std::string(program) + ": a point has " + std::to_string(coords) +
            " coordinates, the others " + std::to_string(dim));
    }
    p = eol + 1;
  }
}

}  // namespace baseline
