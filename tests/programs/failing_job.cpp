// A program whose job always fails and does not catch it: every rank must exit non-zero, fast.
#include <kiln/kiln.hpp>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  auto n = sc.parallelize(std::vector<int>{1, 2, 3, 4}, 4)
               .map([](int x) {
                 if (x == 3) throw std::runtime_error("record 3 is poisoned");
                 return x;
               })
               .count();
  sc.out() << "unreachable: " << n << "\n";
  return 0;
}
