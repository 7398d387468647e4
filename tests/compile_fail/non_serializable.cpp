// Must NOT compile: an RDD of a type Kiln cannot send between ranks. The test checks that the
// compiler's message tells the user what to add.
#include <kiln/kiln.hpp>
#include <memory>

struct Handle {
  std::unique_ptr<int> resource;  // not trivially copyable, no serialize member
};

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  auto rdd = sc.parallelize(std::vector<int>{1, 2}).map([](int x) {
    Handle h;
    h.resource = std::make_unique<int>(x);
    return h;
  });
  return int(rdd.count());
}
