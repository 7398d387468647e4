// Keeps freed heap memory in the process for the next allocation. By default glibc serves
// blocks over 128 KiB-32 MiB with mmap and returns them to the kernel when freed, so every
// job's fresh multi-MiB buffers (task results, shuffle buckets, PageRank's rank arrays) are
// page-faulted in and zeroed again: a third of the driver's time in a PageRank iteration.
// Spills still hand memory back explicitly (release_memory.hpp), so the budget stays true.
#pragma once

#include <malloc.h>

namespace kiln {

inline void retainFreedMemory() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 1 << 30);  // blocks up to 1 GiB come from the heap, and go back to it
  mallopt(M_TRIM_THRESHOLD, 1 << 30);  // the heap's free top is kept up to 1 GiB
  // Task threads allocate from their own arenas, in heaps of at most 64 MiB; glibc deletes a
  // heap that becomes wholly free unless the top pad covers it, so without this every shuffle
  // mapped its buckets' heaps afresh (a page fault per 4 KiB, a third of a warm shuffle).
  mallopt(M_TOP_PAD, 128 << 20);
#endif
}

}  // namespace kiln
