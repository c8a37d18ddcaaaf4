#pragma once
// What the training wizard's pages hand on to each other: the data set,
// the face cache, the pairs, the configuration, the trained model and the
// chosen threshold. Each page reads what earlier pages left and adds its
// own part.

#include <QString>
#include <memory>
#include <optional>
#include <string>

#include "data/Dataset.h"
#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "train/TrainConfig.h"
#include "train/Trainer.h"
#include "train/TrainingRecipe.h"

namespace siamese::ui {

struct WizardState {
  // 1. Data
  QString source;               ///< a data-set folder, or a face cache file
  bool sourceIsCache = false;
  std::optional<Dataset> dataset;  ///< when the source is a folder
  QString workFolder;           ///< cache, pairs, checkpoints and the model go here

  // 2. Preparation
  std::string cachePath;
  std::shared_ptr<const FaceCache> cache;

  // 3. Pairs
  PairOptions pairOptions;
  std::optional<PairSet> pairs;

  // 4. Model
  TrainConfig config;
  bool tune = false;
  int tuneTrials = 6;

  // 5. Training
  std::optional<TrainResult> result;  ///< the trained model (in memory until deployed)

  // 6. Evaluation
  ThresholdChoice threshold{0, "best-accuracy", {}};
  double testAccuracy = 0;
  double testAuc = 0;  ///< ROC AUC on the test pairs (does not depend on the threshold)
};

}  // namespace siamese::ui
