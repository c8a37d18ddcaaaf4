#include "data/MnistReader.h"

#include <cstring>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese {
namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

}  // namespace

MnistData readMnist(const std::string& imagesPath, const std::string& labelsPath) {
  const auto images = readFileBytes(imagesPath);
  const auto labels = readFileBytes(labelsPath);
  if (images.size() < 16 || be32(images.data()) != 0x00000803) {
    throw FileError(imagesPath, "not an MNIST idx3 image file (bad magic number)");
  }
  if (labels.size() < 8 || be32(labels.data()) != 0x00000801) {
    throw FileError(labelsPath, "not an MNIST idx1 label file (bad magic number)");
  }
  const std::size_t count = be32(images.data() + 4);
  const int rows = int(be32(images.data() + 8));
  const int cols = int(be32(images.data() + 12));
  if (rows <= 0 || cols <= 0 || rows > 1024 || cols > 1024) {
    throw FileError(imagesPath, "implausible digit size " + std::to_string(rows) + "x" + std::to_string(cols));
  }
  if (images.size() < 16 + count * std::size_t(rows) * std::size_t(cols)) {
    throw FileError(imagesPath, "the file is truncated (" + std::to_string(count) + " images announced)");
  }
  if (be32(labels.data() + 4) != count || labels.size() < 8 + count) {
    throw FileError(labelsPath, "label count does not match the " + std::to_string(count) + " images");
  }
  MnistData data;
  data.images.reserve(count);
  data.labels.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Image image(cols, rows, 1);
    std::memcpy(image.data(), images.data() + 16 + i * std::size_t(rows) * cols, std::size_t(rows) * cols);
    data.images.push_back(std::move(image));
    if (labels[8 + i] > 9) {
      throw FileError(labelsPath, "label " + std::to_string(labels[8 + i]) + " of image " + std::to_string(i) +
                                      " is not a digit 0-9");
    }
    data.labels.push_back(labels[8 + i]);
  }
  return data;
}

}  // namespace siamese
