#pragma once
/// \file Tuner.h
/// Budgeted hyperparameter search: each trial is a short training run
/// scored on the validation pairs; dlib's global optimiser (MaxLIPO + trust
/// region, no tuning of its own) picks the next trial from those before.
/// Searches learning rate, margin, embedding size, depth, dropout and the
/// optimiser: the CelebA project's Bayesian search space, plus more.

#include <functional>
#include <string>
#include <vector>

#include "train/Trainer.h"

namespace siamese {

struct TuneOptions {
  int trials = 12;
  int epochsPerTrial = 3;
  int stepsPerEpoch = 60;
};

struct TuneTrial {
  int number = 0;               ///< 1-based
  TrainConfig config;
  double validationAuc = 0;     ///< the score maximised
  double validationAccuracy = 0;
  double seconds = 0;
};

struct TuneResult {
  std::vector<TuneTrial> trials;
  std::size_t best = 0;         ///< index into trials
  bool stopped = false;
};

/// The configuration to train fully after a search: the best trial's
/// settings with the schedule of `requested` (epochs, steps per epoch,
/// early-stopping patience), because the trials ran short on purpose.
/// The CLI (`siamese tune`) and the wizard both use it.
TrainConfig configForFullRun(const TuneResult& result, const TrainConfig& requested);

using TuneProgressFn = std::function<void(const TuneTrial& finished, int trials)>;

/// Runs the search from `base` (loss, sampling, batch, augmentation and
/// everything not searched stay as given). throws Error as trainSiamese.
TuneResult tuneHyperparameters(const FaceCache& cache, const TrainData& data, const TrainConfig& base,
                               const TuneOptions& options, const TuneProgressFn& progress = {},
                               const StopToken* stop = nullptr);

/// The trials as CSV: trial,learning_rate,margin,embedding,blocks,dropout,
/// optimizer,validation_accuracy,validation_auc,seconds (written atomically).
void writeTrialsCsv(const std::string& path, const std::vector<TuneTrial>& trials);

}  // namespace siamese
