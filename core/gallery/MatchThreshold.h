#pragma once
/// \file MatchThreshold.h
/// Which threshold decides "known" for a model: one given on the command
/// line, else the one calibrated and saved for this gallery
/// (GalleryStore::threshold), else, when `distance` is given and the gallery
/// allows, the open-set threshold estimated on it now (OpenSetThreshold.h),
/// else the model bundle's own. Identify and live video use the same rule,
/// and say where the value came from.

#include <optional>
#include <string>

#include "gallery/GalleryStore.h"
#include "gallery/Matcher.h"
#include "nn/Embedder.h"
#include "nn/ModelBundle.h"

namespace siamese {

struct MatchThreshold {
  double value = 0;
  std::string source;  ///< e.g. "gallery calibration (far=0.01 …)", "model bundle (best-accuracy)"
};

MatchThreshold matchThresholdFor(const GalleryStore& store, const BundleMetadata& model,
                                 std::optional<double> given = std::nullopt, const DistanceFn& distance = {});

/// The model's distance as a DistanceFn (for matchThresholdFor).
DistanceFn distanceOf(const Embedder& embedder);

}  // namespace siamese
