#include "vision/detail/GifDecoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>

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

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};

}  // namespace

Image decodeGif(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  MemoryReader reader{&bytes, 0};
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&reader, readFromMemory, &error));
  if (!gif) throw FileError(name, std::string("not a readable GIF: ") + GifErrorString(error));
  if (DGifSlurp(gif.get()) != GIF_OK || gif->ImageCount < 1) {
    throw FileError(name, std::string("the GIF data is truncated or corrupt: ") +
                              GifErrorString(gif->Error));
  }

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
