#include "gallery/Matcher.h"

#include <algorithm>
#include <unordered_map>

#include "common/Error.h"

namespace siamese {

GalleryMatcher::GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance)
    : m_references(std::move(references)), m_distance(std::move(distance)) {
  if (!m_distance) throw Error("a matcher needs a distance function");
  for (const StoredEmbedding& r : m_references) {
    if (r.vector.size() != m_references.front().vector.size()) {
      throw Error("gallery embeddings of different sizes cannot be matched together (mixed models?)");
    }
  }
}

MatchResult GalleryMatcher::match(const std::vector<float>& query, double threshold, std::size_t topK) const {
  // Nearest reference of each person.
  std::unordered_map<std::int64_t, MatchCandidate> nearest;
  for (const StoredEmbedding& r : m_references) {
    const double d = m_distance(query, r.vector);
    auto [it, inserted] = nearest.try_emplace(r.personId, MatchCandidate{r.personId, r.photoId, d});
    if (!inserted && d < it->second.distance) it->second = MatchCandidate{r.personId, r.photoId, d};
  }
  MatchResult result;
  for (const auto& entry : nearest) result.ranked.push_back(entry.second);
  std::sort(result.ranked.begin(), result.ranked.end(), [](const MatchCandidate& a, const MatchCandidate& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.personId < b.personId);
  });
  if (result.ranked.size() > topK) result.ranked.resize(topK);
  result.known = !result.ranked.empty() && result.ranked.front().distance < threshold;
  return result;
}

}  // namespace siamese
