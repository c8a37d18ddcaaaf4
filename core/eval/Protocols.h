#pragma once
/// \file Protocols.h
/// Evaluation protocols on a face cache with a trained model: scoring pair
/// lists, the LFW 10-fold protocol, N-way one-shot tasks and closed-set
/// identification, plus the check that a test set holds nobody the model
/// was trained on.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "eval/Metrics.h"
#include "nn/Embedder.h"

namespace siamese {

/// Embeddings of every face of `cache`, in cache order. throws Error when
/// the cache's crops are not the ones the model expects (see
/// requireMatchingCrops).
std::vector<Embedding> embedCache(Embedder& embedder, const FaceCache& cache, const ProgressFn& progress = {});

/// As embedCache, but only `faces` (indices into the cache) are embedded;
/// the others are left empty. For protocols that score a part of a cache.
std::vector<Embedding> embedCacheFaces(Embedder& embedder, const FaceCache& cache, const std::vector<int>& faces,
                                       const ProgressFn& progress = {});

/// People of `people` the model was trained on (sorted).
std::vector<std::string> peopleSeenInTraining(const BundleMetadata& model, const std::set<std::string>& people);

/// Names of the people appearing in `pairs`.
std::set<std::string> peopleOfPairs(const FaceCache& cache, const std::vector<Pair>& pairs);

/// Distances of pairs whose photos are both in the cache (others skipped).
ScoredPairs scorePairs(const Embedder& embedder, const std::vector<Embedding>& embeddings,
                       const std::vector<Pair>& pairs);

/// Headline verification figures on one scored pair set.
struct VerificationReport {
  std::size_t pairs = 0;
  double threshold = 0;             ///< the model's own threshold
  double accuracy = 0;              ///< at that threshold
  double auc = 0;
  EqualErrorRate eer;
  RocPoint atFar1e2;                ///< TAR at FAR <= 1%
  RocPoint atFar1e3;                ///< TAR at FAR <= 0.1%
  double meanSameDistance = 0;
  double meanDifferentDistance = 0;
};
VerificationReport verificationReport(const ScoredPairs& scored, double threshold);

/// N-way one-shot: each task has N candidate people with one reference
/// photo each and a query photo of one of them; the query is assigned to
/// the nearest reference. Returns the fraction of tasks answered right.
struct OneShotTask {
  std::vector<int> references;  ///< face indices, one per candidate
  int query = 0;                ///< face index
  int answer = 0;               ///< index into references
};
double oneShotAccuracy(const Embedder& embedder, const std::vector<Embedding>& embeddings,
                       const std::vector<OneShotTask>& tasks);

/// Samples `count` N-way tasks from people with at least two faces.
/// throws Error when fewer than N such people exist.
std::vector<OneShotTask> sampleOneShotTasks(const FaceCache& cache, int ways, int count, std::uint64_t seed);

/// Closed-set identification with `referencesPerPerson` reference photos
/// per person (the first ones after a seeded shuffle) and every other photo
/// as a probe; a probe is named after the person whose nearest reference is
/// closest (the live demo's rule). People with no photo left to probe are
/// skipped.
struct IdentificationReport {
  std::size_t people = 0;
  std::size_t probes = 0;
  double rank1 = 0;
};
IdentificationReport identificationAccuracy(const Embedder& embedder, const FaceCache& cache,
                                            const std::vector<Embedding>& embeddings, int referencesPerPerson,
                                            std::uint64_t seed);

}  // namespace siamese
