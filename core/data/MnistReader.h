#pragma once
/// \file MnistReader.h
/// Reads MNIST's idx files (big-endian magic, counts, then raw bytes).

#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

struct MnistData {
  std::vector<Image> images;  ///< 28×28 grey, white digit on black
  std::vector<int> labels;    ///< 0..9, same order
};

/// throws Error naming the file when it is missing, truncated, or not an
/// idx file of the expected kind, or when the two files disagree in count.
MnistData readMnist(const std::string& imagesPath, const std::string& labelsPath);

}  // namespace siamese
