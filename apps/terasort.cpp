// terasort: sorts 100-byte records by their 10-byte keys (unsigned bytes), as TeraSort does.
//   mpirun -n 3 ./terasort INPUT OUTDIR [--partitions P]
// INPUT: files of records (teragen's output). OUTDIR: part files, globally sorted in order.
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

#include "terasort_record.hpp"

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: terasort INPUT OUTDIR [--partitions P]\n"
                "  INPUT   a file, directory or glob of 100-byte records (teragen)\n"
                "  OUTDIR  output directory (must not exist): sorted part-NNNNN files\n"
                "  P       output partitions (default: as many as the input has)\n";
    return 0;
  }
  int partitions = 0;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--partitions") {
      if (i + 1 == args.size() || std::atoi(args[i + 1].c_str()) <= 0) {
        if (sc.isDriver()) std::cerr << "terasort: --partitions needs a positive number\n";
        return 2;
      }
      partitions = std::atoi(args[++i].c_str());
    } else {
      positional.push_back(args[i]);
    }
  }
  if (positional.size() != 2) {
    if (sc.isDriver()) std::cerr << "usage: terasort INPUT OUTDIR [--partitions P] (--help)\n";
    return 2;
  }
  auto records = sc.binaryRecords<terasort::Record>(positional[0]);
  records
      .sortBy([](const terasort::Record& r) { return r.key; }, true,
              partitions > 0 ? partitions : records.getNumPartitions())
      .saveAsBinaryRecords(positional[1]);
  return 0;
}
