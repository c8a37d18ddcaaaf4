#include "vision/ImageIO.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "vision/CvInterop.h"
#include "vision/detail/GifDecoder.h"
#include "vision/detail/JpegIntegrity.h"

namespace siamese {
namespace {

std::string printablePrefix(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 16); ++i) {
    const char c = static_cast<char>(bytes[i]);
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '.';
  }
  return out;
}

bool containsSequence(const std::uint8_t* begin, const std::uint8_t* end, const char* sequence,
                      std::size_t length) {
  const auto* needle = reinterpret_cast<const std::uint8_t*>(sequence);
  return std::search(begin, end, needle, needle + length) != end;
}

// libjpeg and libpng fill a truncated image with grey and only warn, so a cut
// download would silently become a half-grey photo. We insist on the
// format's end marker instead.
void checkNotTruncated(ImageFormat format, const std::vector<std::uint8_t>& bytes,
                       const std::string& name) {
  const std::size_t tail = std::min<std::size_t>(bytes.size(), 64 * 1024);
  const std::uint8_t* end = bytes.data() + bytes.size();
  if (format == ImageFormat::Jpeg && !containsSequence(end - tail, end, "\xFF\xD9", 2)) {
    throw FileError(name, "the JPEG data is truncated (no end-of-image marker); the file is incomplete");
  }
  if (format == ImageFormat::Png && !containsSequence(end - tail, end, "IEND", 4)) {
    throw FileError(name, "the PNG data is truncated (no IEND chunk); the file is incomplete");
  }
}

void checkSize(ImageFormat format, const std::vector<std::uint8_t>& bytes, const std::string& name,
               const ImageLimits& limits) {
  const auto size = readImageSize(bytes.data(), bytes.size());
  if (!size) {
    if (format == ImageFormat::Other) return;  // OpenCV applies its own pixel cap
    throw FileError(name, std::string("the ") + formatName(format) +
                              " header is truncated or corrupt (no image size in it)");
  }
  if (size->width <= 0 || size->height <= 0) {
    throw FileError(name, "the header gives an empty image size (" + std::to_string(size->width) +
                              "x" + std::to_string(size->height) + ")");
  }
  const auto pixels = std::uint64_t(size->width) * std::uint64_t(size->height);
  if (size->width > limits.maxSide || size->height > limits.maxSide || pixels > limits.maxPixels) {
    throw FileError(name, "the image is " + std::to_string(size->width) + "x" +
                              std::to_string(size->height) + " pixels (" +
                              std::to_string(pixels / 1'000'000) + " megapixels), over the limit of " +
                              std::to_string(limits.maxPixels / 1'000'000) +
                              " megapixels; refused before decoding");
  }
}

// Normalises any decoded Mat (grey, BGRA, 16-bit, float) to 8-bit BGR.
cv::Mat toBgr8(cv::Mat mat) {
  if (mat.depth() == CV_16U) {
    mat.convertTo(mat, CV_8U, 1.0 / 257.0);
  } else if (mat.depth() == CV_32F || mat.depth() == CV_64F) {
    mat.convertTo(mat, CV_8U, 255.0);
  } else if (mat.depth() != CV_8U) {
    mat.convertTo(mat, CV_8U);
  }
  if (mat.channels() == 1) {
    cv::cvtColor(mat, mat, cv::COLOR_GRAY2BGR);
  } else if (mat.channels() == 4) {
    // Composite onto white: transparent backgrounds often hide black pixels.
    cv::Mat bgr(mat.size(), CV_8UC3);
    for (int y = 0; y < mat.rows; ++y) {
      const auto* in = mat.ptr<cv::Vec4b>(y);
      auto* out = bgr.ptr<cv::Vec3b>(y);
      for (int x = 0; x < mat.cols; ++x) {
        const int alpha = in[x][3];
        for (int c = 0; c < 3; ++c) out[x][c] = static_cast<std::uint8_t>((in[x][c] * alpha + 255 * (255 - alpha)) / 255);
      }
    }
    mat = bgr;
  }
  return mat;
}

}  // namespace

Image decodeImage(const std::vector<std::uint8_t>& bytes, const std::string& name,
                  const ImageLimits& limits) {
  if (bytes.empty()) throw FileError(name, "the file is empty (0 bytes)");
  const ImageFormat format = sniffImageFormat(bytes.data(), bytes.size());
  if (format == ImageFormat::Unknown) {
    throw FileError(name, "not an image: the content is not a known image format (it starts with \"" +
                              printablePrefix(bytes) + "\")");
  }
  checkSize(format, bytes, name, limits);
  checkNotTruncated(format, bytes, name);
  if (format == ImageFormat::Gif) return detail::decodeGif(bytes, name, limits.maxPixels);
  if (format == ImageFormat::Jpeg) detail::checkJpegIntegrity(bytes, name);

  cv::Mat decoded;
  try {
    // JPEG: IMREAD_COLOR applies the EXIF orientation. Other formats keep
    // their alpha and depth so we can normalise them properly ourselves.
    const int flags = format == ImageFormat::Jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
    decoded = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1,
                                   const_cast<std::uint8_t*>(bytes.data())),
                           flags);
  } catch (const cv::Exception& e) {
    throw FileError(name, std::string("the ") + formatName(format) +
                              " data cannot be decoded: " + e.err);
  }
  if (decoded.empty()) {
    throw FileError(name, std::string("the ") + formatName(format) +
                              " data is corrupt or truncated (the decoder could not read it)");
  }
  return detail::fromMat(toBgr8(decoded));
}

Image loadImage(const std::string& path, const ImageLimits& limits) {
  namespace fs = std::filesystem;
  requireRegularFile(path);  // missing, a folder, a named pipe, a loop of links: said so
  std::error_code ec;
  const auto fileSize = fs::file_size(path, ec);
  if (!ec && fileSize > limits.maxFileBytes) {
    throw FileError(path, "the file is " + std::to_string(fileSize >> 20) +
                              " MiB, over the limit of " +
                              std::to_string(limits.maxFileBytes >> 20) + " MiB for an image");
  }
  return decodeImage(readFileBytes(path), path, limits);
}

void saveImage(const std::string& path, const Image& image) {
  if (image.empty()) throw FileError(path, "cannot save an empty image");
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool jpeg = extension == ".jpg" || extension == ".jpeg";
  // PPM/PGM: raw pixels any program reads (the face-api reference script does).
  const bool netpbm = extension == ".ppm" || extension == ".pgm";
  const std::string format = jpeg ? ".jpg" : netpbm ? (image.channels() == 1 ? ".pgm" : ".ppm") : ".png";
  writeFileAtomically(path, encodeImage(image, format, path));
}

std::vector<std::uint8_t> encodeImage(const Image& image, const std::string& format, const std::string& name) {
  if (image.empty()) throw FileError(name, "cannot encode an empty image");
  std::vector<std::uint8_t> encoded;
  try {
    if (!cv::imencode(format, detail::asMat(image), encoded)) throw FileError(name, "the image could not be encoded");
  } catch (const cv::Exception& e) {
    throw FileError(name, std::string("the image could not be encoded: ") + e.err);
  }
  return encoded;
}

Image toGrey(const Image& image) {
  if (image.channels() == 1) return image;
  cv::Mat grey;
  cv::cvtColor(detail::asMat(image), grey, cv::COLOR_BGR2GRAY);
  return detail::fromMat(grey);
}

}  // namespace siamese
