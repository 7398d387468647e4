// Must NOT compile: reduceByKey on an RDD whose records are not key-value pairs.
#include <kiln/kiln.hpp>

int main(int argc, char** argv) {
  kiln::Context sc(argc, argv);
  return int(sc.parallelize(std::vector<int>{1, 2}).reduceByKey(std::plus<>()).count());
}
