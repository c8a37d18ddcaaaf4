#pragma once
/// \file ImageIO.h
/// Image loading that never crashes on bad input.
///
/// Every format OpenCV reads (JPEG, PNG, PGM/PPM, BMP, TIFF, WebP, ...) plus
/// GIF (which OpenCV 4.6 cannot decode). The format is recognised from the
/// content, not the file name. Before any pixel is decoded the header is read
/// and the size checked, so a 60000×60000 header is refused without
/// allocating it. EXIF orientation is applied; grey, alpha and 16-bit images
/// are normalised to 8-bit BGR.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

/// Limits checked before decoding.
struct ImageLimits {
  std::uint64_t maxFileBytes = 256ull << 20;  ///< 256 MiB
  std::uint64_t maxPixels = 80'000'000;      ///< e.g. 10000×8000
  int maxSide = 30000;
};

enum class ImageFormat { Unknown, Jpeg, Png, Gif, Bmp, Pnm, Tiff, WebP, Other };

/// Recognises an image format from the first bytes of a file.
ImageFormat sniffImageFormat(const std::uint8_t* bytes, std::size_t size);

/// Human-readable name of a format ("JPEG", "PNG", ...).
const char* formatName(ImageFormat format);

/// Width and height read from the header alone, without decoding.
struct ImageSize {
  int width = 0;
  int height = 0;
};

/// Reads the pixel size from the header of a JPEG, PNG, GIF, BMP, PNM, TIFF
/// or WebP file. Returns nullopt when the header cannot be parsed.
std::optional<ImageSize> readImageSize(const std::uint8_t* bytes, std::size_t size);

/// Decodes an image held in memory into 8-bit BGR.
/// `name` is used in error messages (usually the file path).
/// throws FileError naming `name` and the reason (empty, not an image,
/// too large, truncated, corrupt).
Image decodeImage(const std::vector<std::uint8_t>& bytes, const std::string& name,
                  const ImageLimits& limits = {});

/// Reads and decodes a file. throws FileError as decodeImage, and when the
/// file is missing, unreadable or larger than limits.maxFileBytes.
Image loadImage(const std::string& path, const ImageLimits& limits = {});

/// Encodes `image` as PNG (or JPEG when the path ends in .jpg/.jpeg) and
/// writes it atomically. throws FileError on failure.
void saveImage(const std::string& path, const Image& image);

/// Encodes `image` in `format` (".png", ".jpg"). throws FileError naming
/// `name` when it cannot be encoded.
std::vector<std::uint8_t> encodeImage(const Image& image, const std::string& format, const std::string& name);

/// Returns a grey copy (1 channel) of a BGR or grey image.
Image toGrey(const Image& image);

}  // namespace siamese
