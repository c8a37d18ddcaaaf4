// A face crop as the gallery and its archives store it: the pixels as a blob
// beside their width, height and channel count in the next three columns.
#pragma once

#include <optional>

#include "common/Image.h"
#include "gallery/detail/Sqlite.h"

namespace siamese::detail {

/// The crop in columns `firstColumn` (pixels) to `firstColumn + 3`, or nothing
/// when the row is damaged: sizes out of range or pixels of the wrong length.
/// The sizes are checked before anything is allocated from them, so a damaged
/// row cannot ask for gigabytes.
std::optional<Image> storedCrop(const Statement& row, int firstColumn);

}  // namespace siamese::detail
