// teravalidate: checks terasort's output: every key at least the one before it (within and
// across part files, in order), and, given the input, the same records (count and an
// order-independent checksum).
//   mpirun -n 3 ./teravalidate OUTDIR [--input INPUT]
// Prints "ok: ..." and exits 0, or names the first problem and exits 1.
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

#include "terasort_record.hpp"

namespace {

// What one partition holds: enough to check order across partitions and compare contents.
struct Summary {
  int partition = 0;
  long records = 0;
  uint64_t checksum = 0;
  long firstUnsorted = -1;  // index of the first record smaller than its predecessor
  std::array<uint8_t, 10> first{}, last{};
};  // trivially copyable: sent as its bytes

std::vector<Summary> summarize(const kiln::RDD<terasort::Record>& rdd) {
  return rdd
      .mapPartitionsWithIndex([](int p, std::vector<terasort::Record>& part) {
        Summary s;
        s.partition = p;
        s.records = long(part.size());
        for (size_t i = 0; i < part.size(); ++i) {
          s.checksum += terasort::recordHash(part[i]);
          if (i > 0 && s.firstUnsorted < 0 && part[i].key < part[i - 1].key)
            s.firstUnsorted = long(i);
        }
        if (!part.empty()) {
          s.first = part.front().key;
          s.last = part.back().key;
        }
        return std::vector<Summary>{s};
      })
      .collect();
}

std::string hex(const std::array<uint8_t, 10>& key) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : key) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    sc.out() << "usage: teravalidate OUTDIR [--input INPUT]\n"
                "  OUTDIR  terasort's output\n"
                "  INPUT   terasort's input: also check the output holds the same records\n";
    return 0;
  }
  std::string input;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--input" && i + 1 < args.size())
      input = args[++i];
    else
      positional.push_back(args[i]);
  }
  const std::string output = positional.size() == 1 ? positional[0] : "";
  if (output.empty()) {
    if (sc.isDriver()) std::cerr << "usage: teravalidate OUTDIR [--input INPUT] (--help)\n";
    return 2;
  }
  auto parts = summarize(sc.binaryRecords<terasort::Record>(output));
  long records = 0;
  uint64_t checksum = 0;
  const Summary* previous = nullptr;
  std::string problem;
  for (const Summary& s : parts) {
    records += s.records;
    checksum += s.checksum;
    if (problem.empty() && s.firstUnsorted >= 0)
      problem = "partition " + std::to_string(s.partition) + ", record " +
                std::to_string(s.firstUnsorted) + ": its key is smaller than the one before";
    if (s.records == 0) continue;
    if (problem.empty() && previous && s.first < previous->last)
      problem = "partition " + std::to_string(s.partition) + " starts with key " + hex(s.first) +
                ", smaller than partition " + std::to_string(previous->partition) + "'s last key " +
                hex(previous->last);
    previous = &s;
  }
  if (problem.empty() && !input.empty()) {
    long inRecords = 0;
    uint64_t inChecksum = 0;
    for (const Summary& s : summarize(sc.binaryRecords<terasort::Record>(input))) {
      inRecords += s.records;
      inChecksum += s.checksum;
    }
    if (inRecords != records)
      problem = "the output has " + std::to_string(records) + " records, the input " +
                std::to_string(inRecords);
    else if (inChecksum != checksum)
      problem = "the output's records differ from the input's (checksums differ)";
  }
  if (!problem.empty()) {
    if (sc.isDriver()) std::cerr << "teravalidate: FAILED: " << problem << "\n";
    return 1;
  }
  sc.out() << "teravalidate: ok: " << records << " records in order, checksum " << std::hex
           << checksum << std::dec << (input.empty() ? "" : ", the same records as the input")
           << "\n";
  return 0;
}
