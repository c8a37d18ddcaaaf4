#include "gallery/Matcher.h"

#include <set>

#include "common/Error.h"
#include "gallery/ReferenceSearch.h"
#include "nn/Embedder.h"
#include "nn/ModelBundle.h"

namespace siamese {

SearchOptions searchOptionsFor(const BundleMetadata& model) {
  SearchOptions options;
  options.euclidean = model.distance == "euclidean";
  return options;
}

GalleryMatcher::GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance)
    : GalleryMatcher(std::move(references), std::move(distance), SearchOptions{SearchBackend::BruteForce}) {}

GalleryMatcher::GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance,
                               const SearchOptions& options, std::vector<StoredEmbedding> rejections)
    : m_references(std::make_shared<const std::vector<StoredEmbedding>>(std::move(references))),
      m_rejections(std::make_shared<const std::vector<StoredEmbedding>>(std::move(rejections))),
      m_distance(distance) {
  if (!distance) throw Error("a matcher needs a distance function");
  std::set<std::int64_t> rejectedPeople;
  for (const StoredEmbedding& r : *m_rejections) {
    if (!m_references->empty() && r.vector.size() != m_references->front().vector.size()) {
      throw Error("a correction's embedding has another size than the gallery's (mixed models?)");
    }
    rejectedPeople.insert(r.personId);
  }
  m_rejectedPeople = rejectedPeople.size();
  for (const StoredEmbedding& r : *m_references) {
    if (r.vector.size() != m_references->front().vector.size()) {
      throw Error("gallery embeddings of different sizes cannot be matched together (mixed models?)");
    }
  }
  if (options.backend == SearchBackend::Faiss && !options.euclidean) {
    throw Error("FAISS search needs a model whose distance is Euclidean between embeddings; use brute force");
  }
  const bool faiss = options.backend == SearchBackend::Faiss ||
                     (options.backend == SearchBackend::Auto && options.euclidean && !m_references->empty() &&
                      m_references->size() >= options.faissFromSize);
  if (faiss) {
    m_search = makeFaissSearch(*m_references, std::move(distance));
  } else {
    m_search = makeBruteForceSearch(*m_references, std::move(distance));
  }
}

MatchResult GalleryMatcher::match(const std::vector<float>& query, double threshold, std::size_t topK) const {
  MatchResult result;
  // Ask for as many more as corrections could take away.
  result.ranked = m_search->nearestPeople(query, topK + m_rejectedPeople);
  if (!m_rejections->empty()) {
    std::vector<MatchCandidate> kept;
    for (const MatchCandidate& candidate : result.ranked) {
      MatchCandidate veto;
      for (const StoredEmbedding& rejected : *m_rejections) {
        if (rejected.personId != candidate.personId) continue;
        const double d = m_distance(query, rejected.vector);
        if (d < candidate.distance && (veto.photoId == 0 || d < veto.distance)) {
          veto = MatchCandidate{candidate.personId, rejected.photoId, d};
        }
      }
      (veto.photoId != 0 ? result.vetoed : kept).push_back(veto.photoId != 0 ? veto : candidate);
    }
    result.ranked = std::move(kept);
  }
  if (result.ranked.size() > topK) result.ranked.resize(topK);
  result.known = !result.ranked.empty() && result.ranked.front().distance < threshold;
  return result;
}

std::string GalleryMatcher::searchName() const { return m_search->name(); }

GalleryIndex loadGalleryIndex(const GalleryStore& store, const Embedder& embedder) {
  const BundleMetadata& model = embedder.metadata();
  const auto dimension = std::size_t(model.network.embeddingSize);
  if (const std::size_t wrong = store.countEmbeddingsNotOfSize(model.modelId, dimension)) {
    throw Error("gallery " + store.path() + ": " + std::to_string(wrong) + " embedding(s) for model " + model.modelId +
                " do not have the model's " + std::to_string(dimension) +
                " values (written by an altered archive?); `siamese gallery reembed` makes them anew");
  }
  GalleryIndex index;
  for (const GalleryPerson& person : store.people()) index.names[person.id] = person.name;
  index.matcher = std::make_shared<const GalleryMatcher>(
      store.embeddings(embedder.metadata().modelId),
      [&embedder](const Embedding& a, const Embedding& b) { return embedder.distance(a, b); },
      searchOptionsFor(embedder.metadata()), store.rejectionEmbeddings(embedder.metadata().modelId));
  return index;
}

}  // namespace siamese
