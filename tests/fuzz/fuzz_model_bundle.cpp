// Fuzzes the model-bundle reader: framing, lengths, and the JSON
// description (the checksum is not checked in this build, so that inputs
// reach the description).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/Error.h"
#include "nn/ModelBundle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace siamese;
  try {
    const BundleFile bundle = parseBundle(std::vector<std::uint8_t>(data, data + size), "fuzz-input");
    bundle.metadata.network.validate();
  } catch (const Error&) {
  }
  return 0;
}
