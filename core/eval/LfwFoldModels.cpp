#include "eval/LfwFoldModels.h"

#include <map>
#include <set>

#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "nn/Embedder.h"

namespace siamese {
namespace {

std::set<std::string> peopleOfFolds(const LfwPairsFile& file, const std::set<int>& folds) {
  std::set<std::string> people;
  for (int f : folds) {
    for (const LfwPair& p : file.folds[std::size_t(f - 1)]) {
      people.insert(p.nameA);
      people.insert(p.nameB);
    }
  }
  return people;
}

void refuseSeenPeople(const BundleMetadata& model, const std::set<std::string>& people) {
  if (const auto leakage = leakageOf(model, people)) throw Error(*leakage);
}

}  // namespace

LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::vector<FoldModel>& models, const LfwFoldModelsReport& report) {
  const LfwPairsFile file = readLfwPairs(lfwPairs);
  std::map<int, std::string> owner;
  for (const FoldModel& m : models) {
    for (int f : m.folds) {
      if (f > int(file.folds.size())) throw Error(lfwPairs + " has no fold " + std::to_string(f));
      if (!owner.emplace(f, m.path).second) throw Error("fold " + std::to_string(f) + " is given to two models");
    }
  }
  const FaceCache cache = FaceCache::load(cachePath);
  std::map<int, double> accuracy;  // by fold
  LfwFoldModelsResult result;
  for (const FoldModel& m : models) {
    auto embedder = Embedder::load(m.path);
    result.modelIds.push_back(embedder->metadata().modelId);
    if (report.onModel) report.onModel(m, embedder->metadata().modelId);
    (report.checkLeakage ? report.checkLeakage : refuseSeenPeople)(embedder->metadata(), peopleOfFolds(file, m.folds));
    // Only the photos of this model's folds are embedded.
    std::vector<std::vector<Pair>> foldPairs;
    std::set<int> photos;
    for (int f : m.folds) {
      foldPairs.push_back(lfwProtocolPairs(file, std::size_t(f - 1), cache));
      for (const Pair& p : foldPairs.back()) {
        if (p.a >= 0 && p.b >= 0) photos.insert({p.a, p.b});
      }
    }
    const auto embeddings =
        embedCacheFaces(*embedder, cache, std::vector<int>(photos.begin(), photos.end()), report.embedProgress);
    std::vector<ScoredPairs> folds;
    for (const std::vector<Pair>& pairs : foldPairs) {
      folds.push_back(scorePairs(*embedder, embeddings, pairs));
      result.pairsSkipped += pairs.size() - folds.back().size();
      result.pairsScored += folds.back().size();
    }
    if (folds.size() < 2) throw Error(m.path + ": a model needs at least two folds (thresholds come from its other folds)");
    const FoldResult r = crossValidatedAccuracy(folds);
    ScoredPairs pooled;
    for (const ScoredPairs& fold : folds) {
      for (std::size_t i = 0; i < fold.size(); ++i) pooled.add(fold.distances[i], fold.same[i]);
    }
    result.pooled.push_back(verificationReport(pooled, embedder->metadata().threshold.value));
    std::size_t k = 0;
    for (int f : m.folds) {
      accuracy[f] = r.accuracies[k];
      if (report.onFold) report.onFold(f, r.accuracies[k], r.thresholds[k]);
      ++k;
    }
  }
  std::vector<double> all;
  for (const auto& [fold, a] : accuracy) all.push_back(a);
  result.folds = all.size();
  result.spread = meanAndDeviation(all);
  return result;
}

}  // namespace siamese
