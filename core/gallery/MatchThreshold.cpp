#include "gallery/MatchThreshold.h"

#include <cstdio>

#include "gallery/OpenSetThreshold.h"

namespace siamese {

MatchThreshold matchThresholdFor(const GalleryStore& store, const BundleMetadata& model,
                                 std::optional<double> given, const DistanceFn& distance) {
  if (given) return MatchThreshold{*given, "given on the command line"};
  if (const auto calibrated = store.thresholdRecord(model.modelId)) {
    return MatchThreshold{calibrated->value, "gallery calibration, " + calibrated->method + ", " + calibrated->setAt};
  }
  if (distance) {
    if (const auto open = openSetThreshold(store.embeddings(model.modelId), distance, model.threshold.value)) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "open-set estimate on this gallery's %zu people (leave-one-out: %.1f%% missed, %.1f%% taken for "
                    "another); the model's own is %.3f",
                    open->people, 100 * open->missRate, 100 * open->strangerRate, model.threshold.value);
      return MatchThreshold{open->value, text};
    }
  }
  return MatchThreshold{model.threshold.value, "model bundle, " + model.threshold.method};
}

DistanceFn distanceOf(const Embedder& embedder) {
  return [&embedder](const std::vector<float>& a, const std::vector<float>& b) { return embedder.distance(a, b); };
}

}  // namespace siamese
