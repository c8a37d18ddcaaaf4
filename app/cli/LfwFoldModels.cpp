// siamese eval --lfw-pairs pairs.txt --fold-models a.siamese:1-5,b.siamese:6-10:
// the protocol of core/eval/LfwFoldModels with its progress printed.

#include <cstdio>
#include <map>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "eval/Metrics.h"
#include "eval/LfwFoldModels.h"
#include "eval/Protocols.h"
#include "nn/Embedder.h"

namespace siamese::cli {

LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::string& spec, bool allowSeen) {
  ProgressBar bar("embed", "faces");
  LfwFoldModelsReport report;
  report.onModel = [](const FoldModel& m, const std::string& modelId) {
    std::printf("Model %s (id %s) on folds", m.path.c_str(), modelId.c_str());
    for (int f : m.folds) std::printf(" %d", f);
    std::printf("\n");
  };
  report.checkLeakage = [allowSeen](const BundleMetadata& model, const std::set<std::string>& people) {
    refuseLeakage(model, people, allowSeen);
  };
  report.embedProgress = [&bar](const Progress& p) {
    bar.update(p);
    if (p.done == p.total) bar.finish();
  };
  report.onFold = [](int fold, double accuracy, double threshold) {
    std::printf("  fold %2d: %.2f%% (threshold %.4f from this model's other folds)\n", fold, 100 * accuracy, threshold);
  };
  const LfwFoldModelsResult result = siamese::evaluateLfwFoldModels(cachePath, lfwPairs, parseFoldModels(spec), report);
  if (result.pairsSkipped) std::printf("  %zu pairs skipped: a photo had no detectable face\n", result.pairsSkipped);
  std::printf("LFW %zu-fold protocol, each fold scored by a model that never saw its people: %.2f%% +- %.2f%%\n",
              result.folds, 100 * result.spread.mean, 100 * result.spread.standardDeviation);
  for (std::size_t i = 0; i < result.pooled.size(); ++i) {
    const VerificationReport& r = result.pooled[i];
    std::printf("  model %s, its %zu pairs pooled: AUC %.4f, TAR %.2f%% at FAR <= 1%%, TAR %.2f%% at FAR <= 0.1%%\n",
                result.modelIds[i].c_str(), r.pairs, r.auc, 100 * r.atFar1e2.trueAcceptRate, 100 * r.atFar1e3.trueAcceptRate);
  }
  return result;
}

}  // namespace siamese::cli
