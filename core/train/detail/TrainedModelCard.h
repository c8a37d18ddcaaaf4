#pragma once
/// \file TrainedModelCard.h
/// What a trained bundle says about itself: the crop it expects (from the
/// face cache), the threshold chosen on the validation pairs, who it was
/// trained on (the leakage check reads this), how, and its validation
/// figures; for a model trained on top of another, what it started from
/// (whose people it also knows, and whose weights' origin it keeps). No LibTorch: the trainer hands in the scored validation pairs.

#include <vector>

#include "data/FaceCache.h"
#include "eval/Metrics.h"
#include "nn/ModelBundle.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"

namespace siamese::detail {

/// The best epoch's validation, as the trainer measured it.
struct BestValidation {
  ScoredPairs scored;
  double auc = 0;
  double loss = 0;
  int epoch = 0;  ///< 1-based
  /// When the weights are the mean of several epochs': how many (0: one epoch's).
  int averagedEpochs = 0;
};

BundleMetadata describeTrainedModel(const FaceCache& cache, const TrainData& data, const TrainConfig& config,
                                    const std::vector<EpochRecord>& history, const BestValidation& best,
                                    double seconds, const BundleMetadata* pretrained = nullptr);

}  // namespace siamese::detail
