#include "train/TrainingRecipe.h"

namespace siamese {

TrainingOutcome runTrainingRecipe(const FaceCache& cache, const TrainData& data, const TrainingRecipe& recipe) {
  TrainingOutcome outcome;
  outcome.trainedWith = recipe.config;
  if (recipe.search && !recipe.train.resume) {
    outcome.search = tuneHyperparameters(cache, data, recipe.config, *recipe.search, recipe.searchProgress,
                                         recipe.train.stop);
    const bool stopped = recipe.train.stop && recipe.train.stop->stopRequested();
    if (outcome.search->trials.empty() || stopped) return outcome;
    // The trials ran short on purpose; the full run keeps the requested schedule.
    outcome.trainedWith = configForFullRun(*outcome.search, recipe.config);
  }
  outcome.trained = trainSiamese(cache, data, outcome.trainedWith, recipe.train);
  outcome.trained.bundle.metadata.name = recipe.modelName;
  return outcome;
}

ThresholdChoice chooseThresholdOn(const ScoredPairs& validation, const std::string& method) {
  double targetFar = 1e-3;
  const ThresholdMethod parsed = parseThresholdMethod(method, &targetFar);
  ThresholdChoice choice;
  choice.value = chooseThreshold(validation, parsed, targetFar);
  choice.method = thresholdMethodName(parsed, targetFar);
  choice.chosenOn = std::to_string(validation.size()) + " validation pairs";
  return choice;
}

void applyThreshold(BundleFile& bundle, const ThresholdChoice& choice) {
  bundle.metadata.threshold.value = choice.value;
  bundle.metadata.threshold.method = choice.method;
  bundle.metadata.threshold.chosenOn = choice.chosenOn;
}

void saveTrainedModel(const std::string& path, BundleFile& bundle, const std::vector<EpochRecord>& history,
                      const std::string& historyPath) {
  writeBundle(path, bundle);
  writeHistoryCsv(historyPath.empty() ? path + ".history.csv" : historyPath, history);
}

}  // namespace siamese
