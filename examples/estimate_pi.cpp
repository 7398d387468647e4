// Estimates pi by throwing darts, Spark's classic first example.
//   mpirun -n 3 ./estimate_pi [SAMPLES]
#include <cstdint>
#include <iostream>
#include <kiln/kiln.hpp>
#include <string>

// A counter-based random number: the same dart lands in the same place on any number of ranks.
static double uniform(uint64_t i) {
  i = (i ^ (i >> 30)) * 0xbf58476d1ce4e5b9ULL;
  i = (i ^ (i >> 27)) * 0x94d049bb133111ebULL;
  return double((i ^ (i >> 31)) >> 11) / double(1ULL << 53);
}

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  long samples = argc > 1 ? std::stol(argv[1]) : 10'000'000;
  long inside = sc.range(0, samples)
                    .filter([](long i) {
                      double x = uniform(2 * uint64_t(i)), y = uniform(2 * uint64_t(i) + 1);
                      return x * x + y * y <= 1.0;
                    })
                    .count();
  sc.out() << "pi is roughly " << 4.0 * double(inside) / double(samples) << "\n";
}
