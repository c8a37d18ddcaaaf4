#include "gallery/Matcher.h"

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
                               const SearchOptions& options)
    : m_references(std::make_shared<const std::vector<StoredEmbedding>>(std::move(references))) {
  if (!distance) throw Error("a matcher needs a distance function");
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
  result.ranked = m_search->nearestPeople(query, topK);
  result.known = !result.ranked.empty() && result.ranked.front().distance < threshold;
  return result;
}

std::string GalleryMatcher::searchName() const { return m_search->name(); }

GalleryIndex loadGalleryIndex(const GalleryStore& store, const Embedder& embedder) {
  GalleryIndex index;
  for (const GalleryPerson& person : store.people()) index.names[person.id] = person.name;
  index.matcher = std::make_shared<const GalleryMatcher>(
      store.embeddings(embedder.metadata().modelId),
      [&embedder](const Embedding& a, const Embedding& b) { return embedder.distance(a, b); },
      searchOptionsFor(embedder.metadata()));
  return index;
}

}  // namespace siamese
