// Fuzzes the image reader: format sniffing, the header size reader, and
// decoding (our checks, libjpeg's integrity pass, OpenCV, giflib). Anything
// but a siamese::Error naming the problem (an OpenCV exception, a crash, an
// allocation past the limits) is a finding.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/Error.h"
#include "vision/ImageIO.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siamese;
  sniffImageFormat(data, size);
  readImageSize(data, size);
  const std::vector<std::uint8_t> bytes(data, data + size);
  ImageLimits limits;  // small, so that the fuzzer's time goes to parsing
  limits.maxPixels = 4'000'000;
  limits.maxSide = 4000;
  try {
    const Image image = decodeImage(bytes, "fuzz-input", limits);
    if (image.width() * image.height() > 4'000'000) __builtin_trap();  // the limit did not hold
  } catch (const Error&) {
  }
  return 0;
}
