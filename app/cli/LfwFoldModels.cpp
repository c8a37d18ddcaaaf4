// siamese eval --lfw-pairs pairs.txt --fold-models a.siamese:1-5,b.siamese:6-10
// LFW's 10-fold figure without leakage: LFW's folds share no people, so a
// model trained on the people of some folds can be scored on the others.
// Each model scores only its folds, and each fold's threshold is chosen on
// the model's other folds (never across two models' distances).

#include <cstdio>
#include <map>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "eval/Metrics.h"
#include "eval/Protocols.h"
#include "nn/Embedder.h"

namespace siamese::cli {



LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::string& spec, bool allowSeen) {
  const std::vector<FoldModel> models = parseFoldModels(spec);
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
  std::size_t& skipped = result.pairsSkipped;
  for (const FoldModel& m : models) {
    auto embedder = Embedder::load(m.path);
    result.modelIds.push_back(embedder->metadata().modelId);
    std::printf("Model %s (id %s) on folds", m.path.c_str(), embedder->metadata().modelId.c_str());
    for (int f : m.folds) std::printf(" %d", f);
    std::printf("\n");
    std::set<std::string> people;
    for (int f : m.folds) {
      for (const LfwPair& p : file.folds[std::size_t(f - 1)]) {
        people.insert(p.nameA);
        people.insert(p.nameB);
      }
    }
    refuseLeakage(embedder->metadata(), people, allowSeen);
    const auto embeddings = embedWithProgress(*embedder, cache);
    std::vector<ScoredPairs> folds;
    for (int f : m.folds) {
      const auto pairs = lfwProtocolPairs(file, std::size_t(f - 1), cache);
      folds.push_back(scorePairs(*embedder, embeddings, pairs));
      skipped += pairs.size() - folds.back().size();
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
      std::printf("  fold %2d: %.2f%% (threshold %.4f from this model's other folds)\n", f, 100 * r.accuracies[k],
                  r.thresholds[k]);
      ++k;
    }
  }
  std::vector<double> all;
  for (const auto& [fold, a] : accuracy) all.push_back(a);
  const MeanDeviation spread = meanAndDeviation(all);
  result.folds = all.size();
  result.spread = spread;
  if (skipped) std::printf("  %zu pairs skipped: a photo had no detectable face\n", skipped);
  std::printf("LFW %zu-fold protocol, each fold scored by a model that never saw its people: %.2f%% +- %.2f%%\n",
              all.size(), 100 * spread.mean, 100 * spread.standardDeviation);
  return result;
}

}  // namespace siamese::cli
