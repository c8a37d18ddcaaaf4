#pragma once
/// \file Image.h
/// The project's own 8-bit image value type, so public headers need no
/// OpenCV or dlib type. Pixels are row-major, interleaved, BGR order for
/// three channels (OpenCV's convention, so wrapping is free).

#include <cstddef>
#include <cstdint>
#include <memory>

namespace siamese {

/// An 8-bit image with 1 (grey) or 3 (BGR) channels.
///
/// Copies share the pixel buffer (like cv::Mat); call clone() for a deep
/// copy. The buffer may be owned by another object (for example a cv::Mat
/// kept alive through `owner`), which lets decoders hand over pixels without
/// copying them.
class Image {
 public:
  Image() = default;

  /// Allocates a zero-filled width×height×channels image.
  Image(int width, int height, int channels);

  /// Wraps pixels owned by `owner` (kept alive as long as any copy lives).
  /// requires: data points to height rows of `stride` bytes each.
  static Image wrap(int width, int height, int channels, std::size_t stride, std::uint8_t* data,
                    std::shared_ptr<void> owner);

  int width() const { return m_width; }
  int height() const { return m_height; }
  int channels() const { return m_channels; }
  /// Bytes from one row to the next (>= width * channels).
  std::size_t stride() const { return m_stride; }
  bool empty() const { return m_data == nullptr || m_width == 0 || m_height == 0; }

  const std::uint8_t* data() const { return m_data; }
  std::uint8_t* data() { return m_data; }
  const std::uint8_t* row(int y) const { return m_data + static_cast<std::size_t>(y) * m_stride; }
  std::uint8_t* row(int y) { return m_data + static_cast<std::size_t>(y) * m_stride; }

  /// A deep, tightly packed copy.
  Image clone() const;

 private:
  int m_width = 0;
  int m_height = 0;
  int m_channels = 0;
  std::size_t m_stride = 0;
  std::uint8_t* m_data = nullptr;
  std::shared_ptr<void> m_owner;
};

}  // namespace siamese
