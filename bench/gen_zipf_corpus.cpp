// Writes a text corpus of Zipf-distributed words (exponent 1), deterministic for a seed.
//   gen_zipf_corpus OUTPUT BYTES [VOCABULARY=1000000] [SEED=42]
// Word of rank r is r written in base 26 with letters (a, b, ..., z, ba, ...): frequent words
// are short, as in natural text. Lines hold 5 to 20 words.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_zipf_corpus OUTPUT BYTES [VOCABULARY] [SEED]\n");
    return 2;
  }
  const char* path = argv[1];
  const unsigned long long bytes = std::strtoull(argv[2], nullptr, 10);
  const size_t vocab = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000000;
  const unsigned seed = argc > 4 ? unsigned(std::strtoul(argv[4], nullptr, 10)) : 42;
  if (vocab == 0) {
    std::fprintf(stderr, "gen_zipf_corpus: VOCABULARY must be positive\n");
    return 2;
  }
  std::vector<double> cdf(vocab);
  double sum = 0;
  for (size_t r = 0; r < vocab; ++r) cdf[r] = (sum += 1.0 / double(r + 1));
  for (auto& c : cdf) c /= sum;
  std::vector<std::string> words(vocab);
  for (size_t r = 0; r < vocab; ++r) {
    size_t x = r;
    std::string w;
    do {
      w.push_back(char('a' + x % 26));
      x /= 26;
    } while (x);
    words[r].assign(w.rbegin(), w.rend());
  }
  std::FILE* f = std::fopen(path, "wb");
  if (!f) {
    std::perror(path);
    return 1;
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::string buf;
  unsigned long long written = 0;
  while (written < bytes) {
    int n = 5 + int(rng() % 16);
    for (int i = 0; i < n; ++i) {
      size_t r = size_t(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
      if (i) buf.push_back(' ');
      buf += words[std::min(r, vocab - 1)];
    }
    buf.push_back('\n');
    if (buf.size() >= (1 << 20) || written + buf.size() >= bytes) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      written += buf.size();
      buf.clear();
    }
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
