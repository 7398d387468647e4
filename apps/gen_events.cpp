// gen_events: a synthetic detector event table for reduce-events, in one HDF5 file with one
// 1-D dataset per column under /events. The same arguments give the same file for any rank count.
//   mpirun -n 3 ./gen_events ROWS OUT.h5 [--seed S] [--detectors D]
// Columns: energy (float64, keV: an exponential background and lines at 511 and 1275),
// x and y (float64, mm: a spot around each detector's place on a ring), detector (int32),
// time (float64, s: 1 kHz, increasing) and efficiency (float32, in [0.5, 1)).
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <kiln/kiln.hpp>
#include <numbers>
#include <string>

#include "new_output.hpp"
#include "splitmix.hpp"

namespace {

using kiln_apps::mix;
using kiln_apps::unitInterval;

// The random draws of row i: independent streams per (seed, row, purpose).
struct Row {
  uint64_t h;
  double uniform(uint64_t k) const { return unitInterval(mix(h ^ (k * 0x9e3779b97f4a7c15ULL))); }
  double gaussian(uint64_t k) const {  // Box-Muller
    return std::sqrt(-2 * std::log(uniform(k))) * std::cos(2 * std::numbers::pi * uniform(k + 1));
  }
};

struct Generator {
  uint64_t seed;
  int detectors;
  Row row(long i) const { return {mix(seed ^ mix(uint64_t(i)))}; }
  int32_t detector(long i) const { return int32_t(row(i).h % uint64_t(detectors)); }
  double energy(long i) const {
    Row r = row(i);
    double u = r.uniform(1);
    if (u < 0.6) return -200 * std::log(r.uniform(2));
    if (u < 0.8) return 511 + 15 * r.gaussian(3);
    return 1275 + 25 * r.gaussian(3);
  }
  double position(long i, bool y) const {
    double angle = 2 * std::numbers::pi * detector(i) / detectors;
    double centre = 10 * (y ? std::sin(angle) : std::cos(angle));
    return centre + 2 * row(i).gaussian(y ? 7 : 5);
  }
  double time(long i) const { return (double(i) + row(i).uniform(9)) * 1e-3; }
  float efficiency(long i) const { return float(0.5 + 0.5 * row(i).uniform(10)); }
};

bool positive(const std::string& s, long& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* usage = "usage: gen_events ROWS OUT.h5 [--seed S] [--detectors D]\n";
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << usage
             << "  writes /events/{energy,x,y,detector,time,efficiency} (defaults: seed 1, "
                "16 detectors)\n";
    return 0;
  }
  long seed = 1, detectors = 16;
  std::vector<std::string> pos;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--seed" || args[i] == "--detectors") && i + 1 < args.size()) {
      if (!positive(args[i + 1], args[i] == "--seed" ? seed : detectors)) {
        if (sc.isDriver()) std::cerr << "gen_events: " << args[i] << " needs a positive number\n";
        return 2;
      }
      ++i;
    } else {
      pos.push_back(args[i]);
    }
  }
  long rows = 0;
  if (pos.size() != 2 || !positive(pos[0], rows)) {
    if (sc.isDriver()) std::cerr << usage;
    return 2;
  }
  const std::string out = pos[1];
  if (!kiln_apps::isNewOutput(sc, "gen_events", out)) return 2;
  const Generator g{uint64_t(seed), int(detectors)};
  auto index = sc.range(0, rows, 1, int(std::max<long>(2, rows / 2'000'000 + 1)));
  kiln::Hdf5WriteOptions options{.chunkRows = 65536, .append = true};
  auto units = [&](const char* unit) {
    auto o = options;
    o.attributes = {{"unit", std::string(unit)}, {"seed", double(seed)}};
    return o;
  };
  index.map([g](long i) { return g.energy(i); }).saveAsHDF5(out, "events/energy", units("keV"));
  index.map([g](long i) { return g.position(i, false); }).saveAsHDF5(out, "events/x", units("mm"));
  index.map([g](long i) { return g.position(i, true); }).saveAsHDF5(out, "events/y", units("mm"));
  index.map([g](long i) { return g.detector(i); }).saveAsHDF5(out, "events/detector", units(""));
  index.map([g](long i) { return g.time(i); }).saveAsHDF5(out, "events/time", units("s"));
  index.map([g](long i) { return g.efficiency(i); })
      .saveAsHDF5(out, "events/efficiency", units(""));
  sc.out() << "gen_events: " << rows << " events from " << detectors << " detectors in " << out
           << "\n";
  return 0;
}
