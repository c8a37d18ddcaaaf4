#include "nn/TensorHeap.h"

#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace siamese {
namespace {

std::mutex& holdersMutex() {
  static std::mutex m;
  return m;
}

int& holders() {
  static int count = 0;
  return count;
}

}  // namespace

KeptTensorMemory::KeptTensorMemory() {
  const std::lock_guard<std::mutex> lock(holdersMutex());
  if (holders()++ > 0) return;
#ifdef __GLIBC__
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

KeptTensorMemory::~KeptTensorMemory() {
  const std::lock_guard<std::mutex> lock(holdersMutex());
  const bool last = --holders() == 0;
#ifdef __GLIBC__
  if (last) {
    // Setting any of these turns glibc's sliding mmap threshold off for
    // good, so it is fixed where the sliding one tops out: 32 MB.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_MMAP_MAX, 65536);  // glibc's default
    mallopt(M_TRIM_THRESHOLD, 128 << 10);
  }
  malloc_trim(0);
#else
  (void)last;
#endif
}

}  // namespace siamese
