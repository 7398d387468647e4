// Word count: writes word<TAB>count for every maximal run of non-whitespace in the input.
//   mpirun -n 3 ./wordcount INPUT OUTDIR
#include <cstring>
#include <iostream>
#include <kiln/kiln.hpp>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  if (argc != 3 || std::strcmp(argv[1], "--help") == 0) {
    sc.out() << "usage: wordcount INPUT OUTDIR [--conf key=value ...]\n"
                "  INPUT   a text file, a directory of them, or a glob\n"
                "  OUTDIR  output directory (must not exist): part-NNNNN files of word<TAB>count\n";
    return argc == 2 && std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  auto counts =
      sc.textFile(argv[1])
          .flatMap([](const std::string& line) { return kiln::split(line).pairedWith(1L); })
          .reduceByKey(std::plus<>());
  counts.saveAsTextFile(argv[2]);
  return 0;
}
