#pragma once
/// \file TrainingRecipe.h
/// The one way a model is made, for `siamese train`, `siamese tune` and the
/// training wizard alike: search (optional) → the configuration for the full
/// run → train → the threshold chosen on the validation pairs → the bundle
/// and its history. The bundle stays in memory until saveTrainedModel(), so
/// the wizard evaluates and deploys the very model it trained.

#include <optional>
#include <string>

#include "eval/Metrics.h"
#include "train/Trainer.h"
#include "train/Tuner.h"

namespace siamese {

struct TrainingRecipe {
  /// What to train, including the full run's schedule (epochs, steps per
  /// epoch, early-stopping patience) that a search's short trials replace
  /// only while searching.
  TrainConfig config;
  /// Search first and train the best trial's settings (configForFullRun).
  /// Not used when resuming: a checkpoint continues with its own settings.
  std::optional<TuneOptions> search;
  TuneProgressFn searchProgress;
  TrainOptions train;     ///< checkpoint, resume, progress, stop
  std::string modelName;  ///< kept in the bundle
};

struct TrainingOutcome {
  std::optional<TuneResult> search;  ///< when one ran
  TrainConfig trainedWith;           ///< the configuration of the full run
  TrainResult trained;               ///< history and bundle (empty weights: stopped before an epoch ended)
  /// No full run was made: the search was stopped or ran no trial.
  bool searchOnly() const { return search.has_value() && trained.history.empty(); }
};

/// Runs the recipe. throws Error as trainSiamese and tuneHyperparameters.
TrainingOutcome runTrainingRecipe(const FaceCache& cache, const TrainData& data, const TrainingRecipe& recipe);

/// A decision threshold and how it was chosen.
struct ThresholdChoice {
  double value = 0;
  std::string method;    ///< "best-accuracy", "eer", "far=0.001", …
  std::string chosenOn;  ///< "240 validation pairs"
};

/// Chooses the threshold by `method` (midpoint, best-accuracy, eer,
/// far=<rate>) on validation pairs scored by the model.
ThresholdChoice chooseThresholdOn(const ScoredPairs& validation, const std::string& method);

/// Puts `choice` into the bundle's metadata.
void applyThreshold(BundleFile& bundle, const ThresholdChoice& choice);

/// Writes the bundle (atomically; sets its model id) and its history beside it
/// (<path>.history.csv unless `historyPath` is given).
void saveTrainedModel(const std::string& path, BundleFile& bundle, const std::vector<EpochRecord>& history,
                      const std::string& historyPath = {});

}  // namespace siamese
