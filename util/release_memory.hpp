// Hands freed heap memory back to the operating system. glibc keeps freed blocks of a few
// hundred KiB in its arenas; after a spill that would leave the process's resident memory far
// above what it uses, and the budget meaningless.
#pragma once

#include <malloc.h>

namespace kiln {

inline void releaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace kiln
