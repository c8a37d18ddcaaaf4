#include "common/Image.h"

#include <cstring>
#include <stdexcept>
#include <vector>

namespace siamese {

Image::Image(int width, int height, int channels) {
  if (width < 0 || height < 0 || (channels != 1 && channels != 3)) {
    throw std::invalid_argument("Image: bad size or channel count");
  }
  auto buffer = std::make_shared<std::vector<std::uint8_t>>(
      static_cast<std::size_t>(width) * height * channels, 0);
  m_width = width;
  m_height = height;
  m_channels = channels;
  m_stride = static_cast<std::size_t>(width) * channels;
  m_data = buffer->data();
  m_owner = std::move(buffer);
}

Image Image::wrap(int width, int height, int channels, std::size_t stride, std::uint8_t* data,
                  std::shared_ptr<void> owner) {
  Image image;
  image.m_width = width;
  image.m_height = height;
  image.m_channels = channels;
  image.m_stride = stride;
  image.m_data = data;
  image.m_owner = std::move(owner);
  return image;
}

Image Image::clone() const {
  if (empty()) return {};
  Image copy(m_width, m_height, m_channels);
  const std::size_t rowBytes = static_cast<std::size_t>(m_width) * m_channels;
  for (int y = 0; y < m_height; ++y) std::memcpy(copy.row(y), row(y), rowBytes);
  return copy;
}

}  // namespace siamese
