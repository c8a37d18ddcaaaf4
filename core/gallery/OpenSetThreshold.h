#pragma once
/// \file OpenSetThreshold.h
/// The threshold for naming faces against *this* gallery, estimated on the
/// gallery alone. A model's own threshold is chosen for pairs (is A the same
/// person as B?); identification asks whether a face is anyone of N people,
/// so a stranger has N chances to come close to someone, and the more
/// people are enrolled the lower the threshold must be to keep strangers
/// unknown. Each enrolled photo is treated in turn as a query, leaving it
/// out: its nearest photo of its own person is a genuine match, its nearest
/// photo of anyone else is what a stranger would meet. The threshold that
/// makes the fewest errors of both kinds is chosen; it is never above the
/// model's own.

#include <cstddef>
#include <optional>
#include <vector>

#include "gallery/Matcher.h"

namespace siamese {

struct OpenSetThreshold {
  double value = 0;
  double missRate = 0;      ///< enrolled photos not named at it (leave-one-out)
  double strangerRate = 0;  ///< enrolled photos that would be named as someone else had their person not been enrolled
  std::size_t people = 0;
  std::size_t photos = 0;   ///< photos used as queries
};

/// Least enrolment for an estimate worth using.
constexpr std::size_t kOpenSetMinPeople = 5;         ///< with at least two photos each
constexpr std::size_t kOpenSetMaxPhotos = 2000;      ///< more are subsampled (cost grows with the square)

/// Nothing when the gallery has fewer than kOpenSetMinPeople people with
/// two photos or more. `cap`: the model's own threshold.
std::optional<OpenSetThreshold> openSetThreshold(const std::vector<StoredEmbedding>& embeddings,
                                                 const DistanceFn& distance, double cap);

}  // namespace siamese
