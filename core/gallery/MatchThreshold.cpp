#include "gallery/MatchThreshold.h"

namespace siamese {

MatchThreshold matchThresholdFor(const GalleryStore& store, const BundleMetadata& model,
                                 std::optional<double> given) {
  if (given) return MatchThreshold{*given, "given on the command line"};
  if (const auto calibrated = store.thresholdRecord(model.modelId)) {
    return MatchThreshold{calibrated->value, "gallery calibration, " + calibrated->method + ", " + calibrated->setAt};
  }
  return MatchThreshold{model.threshold.value, "model bundle, " + model.threshold.method};
}

}  // namespace siamese
