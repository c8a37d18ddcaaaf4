#pragma once
/// \file MatchThreshold.h
/// Which threshold decides "known" for a model: one given on the command
/// line, else the one calibrated on this gallery (GalleryStore::threshold),
/// else the model bundle's own. Identify and live video use the same rule,
/// and say where the value came from.

#include <optional>
#include <string>

#include "gallery/GalleryStore.h"
#include "nn/ModelBundle.h"

namespace siamese {

struct MatchThreshold {
  double value = 0;
  std::string source;  ///< e.g. "gallery calibration (far=0.01 …)", "model bundle (best-accuracy)"
};

MatchThreshold matchThresholdFor(const GalleryStore& store, const BundleMetadata& model,
                                 std::optional<double> given = std::nullopt);

}  // namespace siamese
