// teragen: writes TeraSort input, ROWS records of 100 bytes with random 10-byte keys.
//   mpirun -n 3 ./teragen ROWS OUTDIR [--seed S] [--partitions P]
// The same ROWS and seed give the same records whatever the partitioning or rank count.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

#include "terasort_record.hpp"

namespace {

int usage(kiln::Context& sc, int code) {
  (code == 0 ? sc.out() : std::cerr)
      << "usage: teragen ROWS OUTDIR [--seed S] [--partitions P]\n"
         "  ROWS    number of 100-byte records (e.g. 10737418 for 1 GiB)\n"
         "  OUTDIR  output directory (must not exist): part-NNNNN files of records\n";
  return code;
}

bool parseCount(const char* text, long& out) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != 0 || v < 0) return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) return usage(sc, 0);
  long rows = 0, seed = 42, partitions = 0;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--seed" || args[i] == "--partitions") {
      long* target = args[i] == "--seed" ? &seed : &partitions;
      if (i + 1 == args.size() || !parseCount(args[i + 1].c_str(), *target)) {
        if (sc.isDriver()) std::cerr << "teragen: " << args[i] << " needs a non-negative number\n";
        return 2;
      }
      ++i;
    } else {
      positional.push_back(args[i]);
    }
  }
  if (positional.size() != 2) return usage(sc, 2);
  if (!parseCount(positional[0].c_str(), rows)) {
    if (sc.isDriver())
      std::cerr << "teragen: ROWS must be a non-negative number, not '" << positional[0] << "'\n";
    return 2;
  }
  if (partitions == 0) partitions = std::max<long>(sc.defaultParallelism(), rows / 300'000 + 1);
  const uint64_t s = uint64_t(seed);
  sc.range(0, rows, 1, int(partitions))
      .map([s](long row) { return terasort::makeRecord(s, uint64_t(row)); })
      .saveAsBinaryRecords(positional[1]);
  sc.out() << "teragen: " << rows << " records (" << rows * 100 << " bytes) in " << positional[1]
           << "\n";
  return 0;
}
