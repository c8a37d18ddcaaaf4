// Brute-force reference search: every reference scored with the model's
// distance. Exact for any model; what small galleries and Koch heads use.

#include <algorithm>
#include <unordered_map>

#include "gallery/ReferenceSearch.h"
#include "gallery/detail/RankPeople.h"

namespace siamese {
namespace {

class BruteForceSearch final : public ReferenceSearch {
 public:
  BruteForceSearch(const std::vector<StoredEmbedding>& references, DistanceFn distance)
      : m_references(references), m_distance(std::move(distance)) {}

  std::vector<MatchCandidate> nearestPeople(const std::vector<float>& query, std::size_t topK) const override {
    std::unordered_map<std::int64_t, MatchCandidate> nearest;
    for (const StoredEmbedding& r : m_references) {
      const double d = m_distance(query, r.vector);
      auto [it, inserted] = nearest.try_emplace(r.personId, MatchCandidate{r.personId, r.photoId, d});
      if (!inserted && d < it->second.distance) it->second = MatchCandidate{r.personId, r.photoId, d};
    }
    std::vector<MatchCandidate> ranked;
    ranked.reserve(nearest.size());
    for (const auto& entry : nearest) ranked.push_back(entry.second);
    detail::rankPeople(ranked, topK);
    return ranked;
  }

  std::string name() const override { return "brute force"; }

 private:
  const std::vector<StoredEmbedding>& m_references;
  DistanceFn m_distance;
};

}  // namespace

std::unique_ptr<ReferenceSearch> makeBruteForceSearch(const std::vector<StoredEmbedding>& references,
                                                      DistanceFn distance) {
  return std::make_unique<BruteForceSearch>(references, std::move(distance));
}

}  // namespace siamese
