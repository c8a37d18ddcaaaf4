// Format recognition and header-only size reading. Kept free of OpenCV so
// the size check happens before any decoder allocates pixels.

#include <algorithm>
#include <cctype>
#include <cstring>

#include "vision/ImageIO.h"

namespace siamese {
namespace {

std::uint32_t be16(const std::uint8_t* p) { return (p[0] << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}
std::uint32_t le16(const std::uint8_t* p) { return p[0] | (p[1] << 8); }
std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

bool startsWith(const std::uint8_t* bytes, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(bytes, magic, n) == 0;
}

std::optional<ImageSize> jpegSize(const std::uint8_t* b, std::size_t size) {
  std::size_t pos = 2;  // after SOI
  while (pos + 4 <= size) {
    if (b[pos] != 0xFF) return std::nullopt;
    const std::uint8_t marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
      pos += 2;  // markers without a length
      continue;
    }
    const std::size_t length = be16(b + pos + 2);
    if (length < 2) return std::nullopt;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    const bool isFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                         marker != 0xCC;
    if (isFrame) {
      if (pos + 9 > size) return std::nullopt;
      return ImageSize{int(be16(b + pos + 7)), int(be16(b + pos + 5))};
    }
    pos += 2 + length;
  }
  return std::nullopt;
}

// A GIF's first frame may be larger than its logical screen; giflib would
// allocate the frame's raster, so both sizes count.
std::optional<ImageSize> gifSize(const std::uint8_t* b, std::size_t size) {
  if (size < 13) return std::nullopt;
  int width = int(le16(b + 6));
  int height = int(le16(b + 8));
  std::size_t pos = 13;
  if (b[10] & 0x80) pos += 3u * (2u << (b[10] & 0x07));  // global colour table
  while (pos < size) {
    if (b[pos] == 0x21) {  // extension: label, then sub-blocks up to a 0 length
      pos += 2;
      while (pos < size && b[pos] != 0) pos += 1 + b[pos];
      ++pos;
    } else if (b[pos] == 0x2C && pos + 9 < size) {  // first image descriptor
      width = std::max(width, int(le16(b + pos + 1) + le16(b + pos + 5)));
      height = std::max(height, int(le16(b + pos + 3) + le16(b + pos + 7)));
      break;
    } else {
      break;
    }
  }
  return ImageSize{width, height};
}

std::optional<ImageSize> pnmSize(const std::uint8_t* b, std::size_t size) {
  // "P5 <ws> width <ws> height ...", with '#' comments allowed between fields.
  std::size_t pos = 2;
  long values[2] = {0, 0};
  for (long& value : values) {
    while (pos < size) {
      if (b[pos] == '#') {
        while (pos < size && b[pos] != '\n') ++pos;
      } else if (std::isspace(b[pos])) {
        ++pos;
      } else {
        break;
      }
    }
    if (pos >= size || !std::isdigit(b[pos])) return std::nullopt;
    while (pos < size && std::isdigit(b[pos]) && value < 1'000'000'000) value = value * 10 + (b[pos++] - '0');
  }
  return ImageSize{int(values[0]), int(values[1])};
}

std::optional<ImageSize> tiffSize(const std::uint8_t* b, std::size_t size) {
  const bool little = b[0] == 'I';
  auto u16 = [&](std::size_t at) { return little ? le16(b + at) : be16(b + at); };
  auto u32 = [&](std::size_t at) { return little ? le32(b + at) : be32(b + at); };
  const std::size_t ifd = u32(4);
  if (ifd + 2 > size) return std::nullopt;
  const std::size_t entries = u16(ifd);
  long width = -1, height = -1;
  for (std::size_t i = 0; i < entries; ++i) {
    const std::size_t e = ifd + 2 + 12 * i;
    if (e + 12 > size) break;
    const std::uint32_t tag = u16(e);
    const std::uint32_t type = u16(e + 2);
    const long value = type == 3 ? long(u16(e + 8)) : long(u32(e + 8));  // SHORT or LONG
    if (tag == 256) width = value;
    if (tag == 257) height = value;
  }
  if (width < 0 || height < 0) return std::nullopt;
  return ImageSize{int(width), int(height)};
}

std::optional<ImageSize> webpSize(const std::uint8_t* b, std::size_t size) {
  if (size < 30) return std::nullopt;
  if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
    return ImageSize{int(le16(b + 26) & 0x3FFF), int(le16(b + 28) & 0x3FFF)};
  }
  if (std::memcmp(b + 12, "VP8L", 4) == 0) {
    const std::uint32_t bits = le32(b + 21);
    return ImageSize{int((bits & 0x3FFF) + 1), int(((bits >> 14) & 0x3FFF) + 1)};
  }
  if (std::memcmp(b + 12, "VP8X", 4) == 0) {
    const auto w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const auto h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return ImageSize{int(w), int(h)};
  }
  return std::nullopt;
}

}  // namespace

ImageFormat sniffImageFormat(const std::uint8_t* b, std::size_t size) {
  if (size >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::Jpeg;
  if (startsWith(b, size, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
  if (startsWith(b, size, "GIF87a", 6) || startsWith(b, size, "GIF89a", 6)) return ImageFormat::Gif;
  if (startsWith(b, size, "BM", 2) && size >= 26) return ImageFormat::Bmp;
  if (size >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) return ImageFormat::Pnm;
  if (startsWith(b, size, "II*\0", 4) || startsWith(b, size, "MM\0*", 4)) return ImageFormat::Tiff;
  if (size >= 12 && startsWith(b, size, "RIFF", 4) && std::memcmp(b + 8, "WEBP", 4) == 0) return ImageFormat::WebP;
  // Formats OpenCV also reads whose headers we do not parse: OpenEXR,
  // Radiance HDR, JPEG 2000, Sun raster, PFM.
  if (startsWith(b, size, "\x76\x2f\x31\x01", 4) || startsWith(b, size, "#?RADIANCE", 10) ||
      startsWith(b, size, "#?RGBE", 6) || startsWith(b, size, "\0\0\0\x0cjP  ", 8) ||
      startsWith(b, size, "\xff\x4f\xff\x51", 4) || startsWith(b, size, "\x59\xa6\x6a\x95", 4) ||
      startsWith(b, size, "Pf\n", 3) || startsWith(b, size, "PF\n", 3)) {
    return ImageFormat::Other;
  }
  return ImageFormat::Unknown;
}

const char* formatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Gif: return "GIF";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Pnm: return "PNM";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::WebP: return "WebP";
    case ImageFormat::Other: return "image";
    case ImageFormat::Unknown: break;
  }
  return "unknown";
}

std::optional<ImageSize> readImageSize(const std::uint8_t* b, std::size_t size) {
  switch (sniffImageFormat(b, size)) {
    case ImageFormat::Jpeg: return jpegSize(b, size);
    case ImageFormat::Png:
      if (size < 24) return std::nullopt;
      return ImageSize{int(be32(b + 16) & 0x7FFFFFFF), int(be32(b + 20) & 0x7FFFFFFF)};
    case ImageFormat::Gif: return gifSize(b, size);
    case ImageFormat::Bmp: {
      // Negative height means top-down rows; the size is its magnitude.
      auto magnitude = [](std::uint32_t raw) {
        const long long v = static_cast<std::int32_t>(raw);
        return int(std::min<long long>(v < 0 ? -v : v, 0x7FFFFFFF));
      };
      return ImageSize{magnitude(le32(b + 18)), magnitude(le32(b + 22))};
    }
    case ImageFormat::Pnm: return pnmSize(b, size);
    case ImageFormat::Tiff: return size >= 8 ? tiffSize(b, size) : std::nullopt;
    case ImageFormat::WebP: return webpSize(b, size);
    case ImageFormat::Other:
    case ImageFormat::Unknown: break;
  }
  return std::nullopt;
}

}  // namespace siamese
