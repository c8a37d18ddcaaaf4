#pragma once
/// \file EuclideanDistance.h
/// The Euclidean distance between two embeddings, as the models measure it.

#include <cmath>
#include <vector>

#include "common/Error.h"

namespace siamese {

/// throws Error when the embeddings differ in size.
inline double euclideanDistance(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) throw Error("embeddings of different sizes cannot be compared");
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += double(a[i] - b[i]) * double(a[i] - b[i]);
  return std::sqrt(sum);
}

}  // namespace siamese
