#include "vision/detail/GifDecoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "common/Error.h"

namespace siamese::detail {
namespace {

struct MemoryReader {
  const std::vector<std::uint8_t>* bytes;
  std::size_t position;
};

int readFromMemory(GifFileType* gif, GifByteType* out, int wanted) {
  auto* reader = static_cast<MemoryReader*>(gif->UserData);
  const std::size_t left = reader->bytes->size() - reader->position;
  const std::size_t n = std::min<std::size_t>(left, static_cast<std::size_t>(wanted));
  std::memcpy(out, reader->bytes->data() + reader->position, n);
  reader->position += n;
  return static_cast<int>(n);
}

// giflib's messages; it has none for some codes.
std::string gifError(int code) {
  const char* text = GifErrorString(code);
  return text ? text : "error " + std::to_string(code);
}

// Walks the GIF's blocks without decoding them and refuses frames whose
// size (or all frames' sizes together) passes `maxPixels`: DGifSlurp would
// allocate every frame from its 16-bit width and height, up to 4 GB each,
// for a file of a few bytes. Damaged structure is left for giflib to report.
void checkFrameSizes(const std::vector<std::uint8_t>& bytes, const std::string& name, std::uint64_t maxPixels) {
  const auto u16 = [&bytes](std::size_t at) { return std::uint64_t(bytes[at] | (bytes[at + 1] << 8)); };
  const auto skipSubBlocks = [&bytes](std::size_t at) {
    while (at < bytes.size() && bytes[at] != 0) at += 1 + std::size_t(bytes[at]);
    return at + 1;
  };
  if (bytes.size() < 13) return;
  const std::uint64_t screenWidth = u16(6), screenHeight = u16(8);
  std::size_t at = 13;
  if (bytes[10] & 0x80) at += 3 * (std::size_t(2) << (bytes[10] & 7));  // global colour table
  std::uint64_t total = 0;
  while (at < bytes.size()) {
    const std::uint8_t block = bytes[at];
    if (block == 0x21 && at + 1 < bytes.size()) {  // extension: label, then sub-blocks
      at = skipSubBlocks(at + 2);
    } else if (block == 0x2C && at + 10 <= bytes.size()) {  // image descriptor
      const std::uint64_t left = u16(at + 1), top = u16(at + 3), width = u16(at + 5), height = u16(at + 7);
      total += width * height;
      // decodeGif composes the first frame onto the screen, grown to hold it.
      const std::uint64_t composed = std::max(screenWidth, left + width) * std::max(screenHeight, top + height);
      if (width * height > maxPixels || composed > maxPixels || total > 2 * maxPixels) {
        throw FileError(name, "the GIF's frames are " + std::to_string(width) + "x" + std::to_string(height) +
                                  " pixels (placed at " + std::to_string(left) + "," + std::to_string(top) +
                                  "), over the limit of " + std::to_string(maxPixels / 1'000'000) +
                                  " megapixels; refused before decoding");
      }
      const std::uint8_t flags = bytes[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * (std::size_t(2) << (flags & 7));  // local colour table
      at = skipSubBlocks(at + 1);                                  // LZW code size, then the data
    } else {
      return;  // the trailer, or damage
    }
  }
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};

}  // namespace

Image decodeGif(const std::vector<std::uint8_t>& bytes, const std::string& name, std::uint64_t maxPixels) {
  checkFrameSizes(bytes, name, maxPixels);
  MemoryReader reader{&bytes, 0};
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&reader, readFromMemory, &error));
  if (!gif) throw FileError(name, "not a readable GIF: " + gifError(error));
  if (DGifSlurp(gif.get()) != GIF_OK) throw FileError(name, "the GIF data is truncated or corrupt: " + gifError(gif->Error));
  if (gif->ImageCount < 1) throw FileError(name, "the GIF holds no picture");

  const SavedImage& frame = gif->SavedImages[0];
  const ColorMapObject* palette =
      frame.ImageDesc.ColorMap ? frame.ImageDesc.ColorMap : gif->SColorMap;
  if (!palette) throw FileError(name, "the GIF has no colour table");

  GraphicsControlBlock control{};
  control.TransparentColor = NO_TRANSPARENT_COLOR;
  DGifSavedExtensionToGCB(gif.get(), 0, &control);

  const int width = std::max(gif->SWidth, frame.ImageDesc.Left + frame.ImageDesc.Width);
  const int height = std::max(gif->SHeight, frame.ImageDesc.Top + frame.ImageDesc.Height);
  Image image(width, height, 3);
  GifColorType background{255, 255, 255};
  if (gif->SColorMap && gif->SBackGroundColor < gif->SColorMap->ColorCount) {
    background = gif->SColorMap->Colors[gif->SBackGroundColor];
  }
  for (int y = 0; y < height; ++y) {
    std::uint8_t* out = image.row(y);
    for (int x = 0; x < width; ++x) {
      out[3 * x] = background.Blue;
      out[3 * x + 1] = background.Green;
      out[3 * x + 2] = background.Red;
    }
  }
  // DGifSlurp has already de-interlaced the raster.
  for (int y = 0; y < frame.ImageDesc.Height; ++y) {
    std::uint8_t* out = image.row(frame.ImageDesc.Top + y) + 3 * frame.ImageDesc.Left;
    const GifByteType* in = frame.RasterBits + static_cast<std::size_t>(y) * frame.ImageDesc.Width;
    for (int x = 0; x < frame.ImageDesc.Width; ++x) {
      const int index = in[x];
      if (index == control.TransparentColor || index >= palette->ColorCount) continue;
      const GifColorType& c = palette->Colors[index];
      out[3 * x] = c.Blue;
      out[3 * x + 1] = c.Green;
      out[3 * x + 2] = c.Red;
    }
  }
  return image;
}

}  // namespace siamese::detail
