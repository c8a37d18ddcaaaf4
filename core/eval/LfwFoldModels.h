#pragma once
/// \file LfwFoldModels.h
/// LFW's k-fold figure without leakage: LFW's folds share no people, so a
/// model trained on the people of some folds can be scored on the others.
/// Each model scores only its folds, and each fold's threshold is chosen on
/// the model's other folds (never across two models' distances).

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "eval/Metrics.h"
#include "eval/ProtocolSelection.h"
#include "eval/Protocols.h"

namespace siamese {

struct LfwFoldModelsResult {
  MeanDeviation spread;               ///< over folds
  std::size_t folds = 0;
  std::size_t pairsScored = 0;
  std::size_t pairsSkipped = 0;       ///< a photo had no detectable face
  std::vector<std::string> modelIds;  ///< in the order given
  /// Per model, over all its folds' pairs pooled, at the model's own
  /// threshold: AUC and TAR at FAR 1% and 0.1%.
  std::vector<VerificationReport> pooled;
};

/// What happens along the way, for a front end to show.
struct LfwFoldModelsReport {
  /// A model was loaded to score these folds.
  std::function<void(const FoldModel& model, const std::string& modelId)> onModel;
  /// Decides about the people a model is about to score: throw to refuse
  /// (the default refuses any the model was trained on, naming them).
  std::function<void(const BundleMetadata& model, const std::set<std::string>& people)> checkLeakage;
  ProgressFn embedProgress;
  /// A fold was scored at the threshold chosen on the model's other folds.
  std::function<void(int fold, double accuracy, double threshold)> onFold;
};

/// throws Error when a fold is missing from the pairs file, given to two
/// models, or a model has fewer than two folds, and as checkLeakage.
LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::vector<FoldModel>& models, const LfwFoldModelsReport& report = {});

}  // namespace siamese
