#pragma once
/// \file Matcher.h
/// Open-set matching of a face embedding against a gallery: each enrolled
/// person is represented by their nearest reference photo (the live demo's
/// rule), people are ranked by that distance, and a face whose best
/// distance is not below the threshold is "unknown" rather than forced onto
/// the nearest person. The search is exact either way: brute force for small
/// galleries and any model, FAISS's flat L2 index for large galleries of a
/// Euclidean model (ReferenceSearch.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
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
  /// People left out by a correction: the query sits nearer to a face the
  /// user rejected as them (photoId, distance) than to any of their photos.
  std::vector<MatchCandidate> vetoed;

  /// The named person, when known.
  const MatchCandidate* best() const { return known && !ranked.empty() ? &ranked.front() : nullptr; }
};

struct BundleMetadata;
class Embedder;
class ReferenceSearch;

enum class SearchBackend { Auto, BruteForce, Faiss };

/// Gallery size from which Auto uses FAISS. bench_gallery_search (128-d
/// embeddings, 2-core CPU) puts the crossover near 250 embeddings (0.018 vs
/// 0.023 ms a query); from 500 FAISS is twice as fast, so the switch sits
/// there, clear of timing noise (see README, "The gallery").
constexpr std::size_t kFaissCrossoverSize = 500;

struct SearchOptions {
  SearchBackend backend = SearchBackend::Auto;
  /// The distance is Euclidean between embeddings, so FAISS may be used.
  bool euclidean = false;
  std::size_t faissFromSize = kFaissCrossoverSize;
};

/// Options for a model: FAISS allowed when its distance is Euclidean.
SearchOptions searchOptionsFor(const BundleMetadata& model);

class GalleryMatcher {
 public:
  /// `references` should all come from one model (GalleryStore::embeddings).
  /// Brute force.
  GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance);
  /// Chooses the search by `options`. throws Error when FAISS is asked for
  /// a model whose distance is not Euclidean. `rejections` are faces the
  /// user said are not a person (GalleryStore::rejectionEmbeddings): that
  /// person is never named for a query nearer to one of them than to all
  /// of the person's photos.
  GalleryMatcher(std::vector<StoredEmbedding> references, DistanceFn distance, const SearchOptions& options,
                 std::vector<StoredEmbedding> rejections = {});

  /// Ranks the enrolled people for `query`; at most `topK` candidates.
  MatchResult match(const std::vector<float>& query, double threshold, std::size_t topK = 3) const;

  std::size_t size() const { return m_references->size(); }
  std::size_t rejections() const { return m_rejections->size(); }
  /// The reference embeddings it matches against.
  const std::vector<StoredEmbedding>& references() const { return *m_references; }
  /// Which search is used ("brute force", "faiss (exact flat index)").
  std::string searchName() const;

 private:
  // Shared so that a matcher stays cheap to copy; the search reads the references.
  std::shared_ptr<const std::vector<StoredEmbedding>> m_references;
  std::shared_ptr<const ReferenceSearch> m_search;
  std::shared_ptr<const std::vector<StoredEmbedding>> m_rejections;
  std::size_t m_rejectedPeople = 0;  ///< people with a rejection: the most a query can lose
  DistanceFn m_distance;
};

/// What matching needs from a gallery for one model: a matcher over its
/// references and the people's names (identify and the live view).
struct GalleryIndex {
  std::shared_ptr<const GalleryMatcher> matcher;  ///< null or empty: everyone is unknown
  std::map<std::int64_t, std::string> names;
};

/// The gallery's references (and corrections) for `embedder`'s model and the people's names.
/// The matcher measures with the model's own distance (FAISS where it
/// wins), so `embedder` must outlive it.
GalleryIndex loadGalleryIndex(const GalleryStore& store, const Embedder& embedder);

}  // namespace siamese
