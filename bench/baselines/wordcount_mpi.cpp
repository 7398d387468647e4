// Hand-written MPI + OpenMP word count, no framework: the practical limit Kiln is measured
// against. Every rank counts the words starting in its byte range of the input (its threads
// split that range again), sends each word's count to the rank its hash picks with one
// MPI_Alltoallv, merges, and writes OUTDIR/part-RANK with word<TAB>count lines.
//   mpirun -n N wordcount_mpi INPUT OUTDIR
#include <fcntl.h>
#include <mpi.h>
#include <omp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "mpi_threads.hpp"
#include "mpi_world.hpp"
#include "word_table.hpp"

namespace {

using baseline::WordTable;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return kiln::detail::hashBytes(s.data(), s.size());
  }
};
bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::vector<char> readRange(int fd, off_t begin, off_t end) {
  std::vector<char> buf(size_t(end - begin));
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t r = pread(fd, buf.data() + got, buf.size() - got, begin + off_t(got));
    if (r <= 0) break;
    got += size_t(r);
  }
  buf.resize(got);
  return buf;
}

void countWords(const char* p, const char* end, WordTable& counts) {
  while (p < end) {
    while (p < end && isSpace(*p)) ++p;
    const char* w = p;
    while (p < end && !isSpace(*p)) ++p;
    if (p == w) break;
    counts.add(std::string_view(w, size_t(p - w)), 1);
  }
  counts.flush();
}

}  // namespace

int main(int argc, char** argv) {
  const baseline::MpiWorld world(argc, argv);
  const int rank = world.rank, size = world.size;
  if (argc != 3) world.usage("wordcount_mpi INPUT OUTDIR");
  int threads = baseline::threadsPerRank(rank);

  int fd = open(argv[1], O_RDONLY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const off_t fileSize = st.st_size;
  // Ranges are moved forward to word boundaries (the byte before is whitespace), so every word
  // lies wholly in the range where it starts.
  auto ownedStart = [&](off_t pos) {
    char c;
    while (pos > 0 && pos < fileSize && pread(fd, &c, 1, pos - 1) == 1 && !isSpace(c)) ++pos;
    return pos;
  };

  std::vector<WordTable> perThread(static_cast<size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num(), slots = size * threads, slot = rank * threads + t;
    off_t b = ownedStart(fileSize * slot / slots), e = ownedStart(fileSize * (slot + 1) / slots);
    if (e > b) {
      auto buf = readRange(fd, b, e);
      countWords(buf.data(), buf.data() + buf.size(), perThread[size_t(t)]);
    }
  }
  close(fd);
  WordTable& local = perThread[0];
  size_t keys = 0;
  for (auto& t : perThread) keys += t.size();
  local.reserve(keys);
  // forEach's words live only during its call: copied out, then added a block at a time.
  std::vector<std::pair<std::string, long>> others;
  for (int t = 1; t < threads; ++t)
    perThread[size_t(t)].forEach([&](std::string_view w, long c) { others.emplace_back(w, c); });
  for (auto& [w, c] : others) local.add(w, c);
  local.flush();

  // Serialize (len, word, count) per destination rank, exchange, merge.
  const size_t ranks = static_cast<size_t>(size);
  std::vector<std::string> out(ranks);
  local.forEach([&](std::string_view w, long c) {
    auto& o = out[StringHash{}(w) % ranks];
    uint32_t len = uint32_t(w.size());
    o.append(reinterpret_cast<const char*>(&len), 4)
        .append(w)
        .append(reinterpret_cast<const char*>(&c), 8);
  });
  std::vector<int> sc(ranks), sd(ranks), rc(ranks), rd(ranks);
  std::string send;
  for (int r = 0; r < size; ++r) {
    sd[size_t(r)] = int(send.size());
    sc[size_t(r)] = int(out[size_t(r)].size());
    send += out[size_t(r)];
  }
  MPI_Alltoall(sc.data(), 1, MPI_INT, rc.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int total = 0;
  for (int r = 0; r < size; ++r) rd[size_t(r)] = total, total += rc[size_t(r)];
  std::vector<char> recv(static_cast<size_t>(total));
  MPI_Alltoallv(send.data(), sc.data(), sd.data(), MPI_CHAR, recv.data(), rc.data(), rd.data(),
                MPI_CHAR, MPI_COMM_WORLD);
  WordTable merged;
  merged.reserve(size_t(total) / 13);  // at most one key per 13 bytes received
  for (const char* p = recv.data(); p < recv.data() + total;) {
    uint32_t len;
    std::memcpy(&len, p, 4);
    long c;
    std::memcpy(&c, p + 4 + len, 8);
    merged.add(std::string_view(p + 4, len), c);  // recv outlives the table's blocks
    p += 12 + len;
  }
  merged.flush();
  mkdir(argv[2], 0755);
  MPI_Barrier(MPI_COMM_WORLD);
  std::string path = std::string(argv[2]) + "/part-" + std::to_string(rank), text;
  merged.forEach([&](std::string_view w, long c) {
    text.append(w).append("\t").append(std::to_string(c)).append("\n");
  });
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return 0;
}
