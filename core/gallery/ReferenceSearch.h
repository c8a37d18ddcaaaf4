#pragma once
/// \file ReferenceSearch.h
/// How GalleryMatcher finds each person's nearest reference photo. Brute
/// force scores every reference with the model's own distance (any model,
/// exact, fastest for small galleries). FAISS's exact flat index finds the
/// same answers much faster in large galleries, but only for models
/// whose distance is Euclidean between embeddings (a Koch head's
/// 1 − P(same) is not a metric FAISS can index).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "gallery/Matcher.h"

namespace siamese {

class ReferenceSearch {
 public:
  virtual ~ReferenceSearch() = default;

  /// One candidate per person (their nearest reference), nearest first,
  /// ties broken by person id; at most `topK`. Distances are the model's.
  virtual std::vector<MatchCandidate> nearestPeople(const std::vector<float>& query, std::size_t topK) const = 0;

  /// "brute force" or "faiss (exact flat index)", for reports.
  virtual std::string name() const = 0;
};

/// Scores every reference. `references` must outlive the search.
std::unique_ptr<ReferenceSearch> makeBruteForceSearch(const std::vector<StoredEmbedding>& references,
                                                      DistanceFn distance);

/// An exact FAISS flat index over copies of the vectors. `distance` must
/// be the Euclidean distance: it re-scores the candidates FAISS finds, so
/// that distances (and ranks) are exactly the brute-force ones.
/// `references` must outlive the search (photo and person ids are read from it).
std::unique_ptr<ReferenceSearch> makeFaissSearch(const std::vector<StoredEmbedding>& references, DistanceFn distance);

}  // namespace siamese
