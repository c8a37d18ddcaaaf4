// KeptTensorMemory: while one is held, large blocks come from the heap
// (not mmapped, so freeing them does not hand their pages back); when the
// last holder goes, large blocks are mmapped again.

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <optional>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "nn/TensorHeap.h"

namespace siamese {
namespace {

#ifdef __GLIBC__
/// Whether a fresh block of 48 MB (one layer's output for a large batch)
/// is mmapped: the count of mmapped blocks rises while it lives.
bool largeBlockIsMapped() {
  const std::size_t before = mallinfo2().hblks;
  void* volatile block = std::malloc(std::size_t(48) << 20);
  std::memset(block, 1, 4096);  // used, so the allocation is not elided
  const bool mapped = mallinfo2().hblks > before;
  std::free(block);
  return mapped;
}

TEST(KeptTensorMemory, LargeBlocksStayInTheHeapWhileAnyHolderLives) {
  ASSERT_TRUE(largeBlockIsMapped()) << "glibc maps blocks over its 32 MB ceiling by default";
  {
    std::optional<KeptTensorMemory> training(std::in_place);
    EXPECT_FALSE(largeBlockIsMapped());
    {
      const KeptTensorMemory embedder;  // overlapping holders: the first set, the last restores
      EXPECT_FALSE(largeBlockIsMapped());
    }
    EXPECT_FALSE(largeBlockIsMapped()) << "one holder is still alive";
    training.reset();
    EXPECT_TRUE(largeBlockIsMapped()) << "the last holder gone, large blocks are mapped (and returned) again";
  }
}
#else
TEST(KeptTensorMemory, LargeBlocksStayInTheHeapWhileAnyHolderLives) { GTEST_SKIP() << "glibc's heap only"; }
#endif

}  // namespace
}  // namespace siamese
