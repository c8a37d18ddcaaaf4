#include "gallery/detail/StoredCrop.h"

#include <cstring>

namespace siamese::detail {

std::optional<Image> storedCrop(const Statement& row, int firstColumn) {
  const auto bytes = row.blob(firstColumn);
  const std::int64_t width = row.integer(firstColumn + 1), height = row.integer(firstColumn + 2),
                     channels = row.integer(firstColumn + 3);
  constexpr std::int64_t kLargestSide = 4096;  // far above any crop size a model uses
  if (width <= 0 || height <= 0 || width > kLargestSide || height > kLargestSide || (channels != 1 && channels != 3) ||
      bytes.size() != std::size_t(width * height * channels)) {
    return std::nullopt;
  }
  Image crop(static_cast<int>(width), static_cast<int>(height), static_cast<int>(channels));
  std::memcpy(crop.data(), bytes.data(), bytes.size());
  return crop;
}

}  // namespace siamese::detail
