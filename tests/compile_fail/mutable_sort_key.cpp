// Must NOT compile: sortBy with a mutable key function (tasks share it across threads).
#include <kiln/kiln.hpp>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  auto sorted = sc.parallelize(std::vector<int>{3, 1, 2}).sortBy([calls = 0](int x) mutable {
    ++calls;
    return -x;
  });
  return int(sorted.count());
}
