// The step between the two passes of a parallel counting sort: per-thread counts of each
// bucket become each thread's first output position in that bucket (buckets in order, threads
// in order within a bucket, so the sort is stable), and bucketStart gets where each bucket
// begins (one more entry: the total).
#pragma once

#include <cstddef>
#include <vector>

namespace baseline {

// hist: threads x buckets counts, [thread * buckets + bucket]; overwritten with positions.
inline void countsToOffsets(std::vector<size_t>& hist, size_t threads, size_t buckets,
                            std::vector<size_t>& bucketStart) {
  size_t pos = 0;
  for (size_t k = 0; k < buckets; ++k) {
    bucketStart[k] = pos;
    for (size_t u = 0; u < threads; ++u) {
      const size_t c = hist[u * buckets + k];
      hist[u * buckets + k] = pos;
      pos += c;
    }
  }
  bucketStart[buckets] = pos;
}

}  // namespace baseline
