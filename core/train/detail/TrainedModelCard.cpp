#include "train/detail/TrainedModelCard.h"

#include <ctime>
#include <set>

namespace siamese::detail {

BundleMetadata describeTrainedModel(const FaceCache& cache, const TrainData& data, const TrainConfig& config,
                                    const std::vector<EpochRecord>& history, const BestValidation& best,
                                    double seconds, const BundleMetadata* pretrained) {
  BundleMetadata meta;
  meta.network = config.network;
  meta.distance = config.loss == "koch" ? "koch" : "euclidean";
  meta.input.cropSize = cache.settings().cropSize;
  meta.input.size = config.network.inputSize;
  meta.input.channels = config.network.channels;
  meta.input.alignedFaces = cache.settings().alignedFaces;
  meta.input.padding = cache.settings().padding;
  if (meta.input.alignedFaces) meta.input.alignment = cache.settings().alignment;
  meta.input.mirrorAverage = config.mirrorAverage();  // as validated, so the threshold fits
  if (pretrained) {
    meta.input.normalization = pretrained->input.normalization;
    meta.source = pretrained->source;  // the weights' origin and licence still apply
  }

  double targetFar = 1e-3;
  const ThresholdMethod method = parseThresholdMethod(config.thresholdMethod, &targetFar);
  meta.threshold.value = chooseThreshold(best.scored, method, targetFar);
  meta.threshold.method = thresholdMethodName(method, targetFar);
  meta.threshold.chosenOn = std::to_string(best.scored.size()) + " validation pairs";

  std::set<int> faces(data.trainFaces.begin(), data.trainFaces.end());
  for (const Pair& p : data.trainPairs) {
    faces.insert(p.a);
    faces.insert(p.b);
  }
  std::set<int> people;
  for (int face : faces) people.insert(cache.faces()[std::size_t(face)].person);
  meta.training.dataset = cache.settings().datasetRoot;
  meta.training.people = int(people.size());
  meta.training.photos = int(faces.size());
  for (int person : people) meta.training.identities.push_back(cache.people()[std::size_t(person)]);
  if (pretrained) {
    // A model knows everyone its starting point was trained on as well.
    const std::set<std::string> known(meta.training.identities.begin(), meta.training.identities.end());
    for (const std::string& name : pretrained->training.identities) {
      if (!known.count(name)) meta.training.identities.push_back(name);
    }
    meta.training.initialisedFrom = (pretrained->name.empty() ? std::string("a model") : pretrained->name) + " (id " +
                                    pretrained->modelId + "); trained: " + config.init.train +
                                    (config.init.train == "last-blocks" ? " (" + std::to_string(config.init.lastBlocks) + ")" : "");
  }

  meta.training.loss = config.loss;
  meta.training.epochs = int(history.size());
  meta.training.seconds = seconds;
  meta.training.configJson = config.toJson();
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  meta.training.finishedAt = stamp;

  meta.metrics["validation_accuracy"] = accuracyAt(best.scored, meta.threshold.value);
  meta.metrics["validation_auc"] = best.auc;
  meta.metrics["validation_eer"] = equalErrorRate(best.scored).rate;
  meta.metrics["validation_loss"] = best.loss;
  meta.metrics["best_epoch"] = best.epoch;
  if (best.averagedEpochs) meta.metrics["averaged_epochs"] = best.averagedEpochs;
  return meta;
}

}  // namespace siamese::detail
