#pragma once
/// \file Matcher.h
/// Open-set matching of a face embedding against a gallery: each enrolled
/// person is represented by their nearest reference photo (the live demo's
/// rule), people are ranked by that distance, and a face whose best
/// distance is not below the threshold is "unknown" rather than forced onto
/// the nearest person. Brute force: exact, and fast for small galleries.

#include <cstdint>
#include <functional>
#include <vector>

#include "gallery/GalleryStore.h"

namespace siamese {

/// The model's distance between two embeddings (Embedder::distance).
using DistanceFn = std::function<double(const std::vector<float>&, const std::vector<float>&)>;

struct MatchCandidate {
  std::int64_t personId = 0;
  std::int64_t photoId = 0;   ///< the person's nearest reference photo
  double distance = 0;
};

struct MatchResult {
  bool known = false;                 ///< best distance < threshold
  std::vector<MatchCandidate> ranked; ///< one entry per person, nearest first (top k)

  /// The named person, when known.
  const MatchCandidate* best() const { return known && !ranked.empty() ? &ranked.front() : nullptr; }
};

class GalleryMatcher {
 public:
  /// `references` should all come from one model (GalleryStore::embeddings).
  GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance);

  /// Ranks the enrolled people for `query`; at most `topK` candidates.
  MatchResult match(const std::vector<float>& query, double threshold, std::size_t topK = 3) const;

  std::size_t size() const { return m_references.size(); }

 private:
  std::vector<StoredEmbedding> m_references;
  DistanceFn m_distance;
};

}  // namespace siamese
