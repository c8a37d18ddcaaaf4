#pragma once
// Private to core: GIF decoding with giflib (OpenCV 4.6 has no GIF reader).

#include <cstdint>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese::detail {

/// Decodes the first frame of a GIF into 8-bit BGR, composited onto the
/// logical screen (transparent pixels become the background colour).
/// throws FileError naming `name` when the data is not a readable GIF, or
/// when a frame (or all of them together) would pass `maxPixels`.
Image decodeGif(const std::vector<std::uint8_t>& bytes, const std::string& name, std::uint64_t maxPixels);

}  // namespace siamese::detail
