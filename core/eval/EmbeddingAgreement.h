#pragma once
/// \file EmbeddingAgreement.h
/// How closely one model's embeddings made two ways (8-bit integers and
/// float32, say) agree on the same photos. Plain C++, no model needed.

#include <string>
#include <vector>

namespace siamese {

struct EmbeddingAgreement {
  std::size_t photos = 0;
  double meanShift = 0;             ///< mean Euclidean distance between a photo's two embeddings
  double largestShift = 0;          ///< the largest of them
  double meanPairDistance = 0;      ///< mean distance between different photos, the second way (the scale of a shift)
  double distanceCorrelation = 0;   ///< Pearson correlation of the distances between different photos, one way vs the other
};

/// `first[i]` and `second[i]` embed the same photo. throws Error when the
/// lists differ in length or hold fewer than 3 photos.
EmbeddingAgreement compareEmbeddings(const std::vector<std::vector<float>>& first,
                                     const std::vector<std::vector<float>>& second);

/// One line for the user, e.g. "on 512 photos an embedding moves 0.031 on
/// average (0.090 at most) while different photos lie 0.874 apart; their
/// distances correlate 0.9981".
std::string describeAgreement(const EmbeddingAgreement& agreement);

}  // namespace siamese
