// Fuzzes the face-cache reader: header, records, CRCs, the search for good
// records after damage. Every face it returns is read whole.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/Error.h"
#include "data/FaceCache.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siamese;
  try {
    const FaceCache cache = FaceCache::fromBytes(std::vector<std::uint8_t>(data, data + size), "fuzz-input");
    unsigned sum = 0;
    for (std::size_t i = 0; i < cache.size(); ++i) {
      const std::uint8_t* pixels = cache.pixels(i);
      for (std::size_t b = 0; b < cache.bytesPerFace(); ++b) sum += pixels[b];
      if (std::size_t(cache.faces()[i].person) >= cache.people().size()) __builtin_trap();
    }
    (void)cache.damageNote();
    (void)sum;
  } catch (const Error&) {
  }
  return 0;
}
