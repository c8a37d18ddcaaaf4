#pragma once
/// \file Int8CacheCalibration.h
/// Calibrating a model for 8-bit inference on the photos of a face cache,
/// and checking the result against float32 on other photos: what both
/// `siamese model --precision int8` and the models hub's "8-bit copy" do.

#include <cstddef>
#include <optional>
#include <string>

#include "data/FaceCache.h"
#include "eval/EmbeddingAgreement.h"
#include "nn/Int8Inference.h"
#include "nn/ModelBundle.h"

namespace siamese {

struct Int8CacheOptions {
  std::size_t calibrationCrops = 512;  ///< photos whose activations set the ranges
  std::size_t checkCrops = 512;        ///< other photos compared with float32 (0: no check)
  Int8Ranges ranges = Int8Ranges::MinMax;
};

struct Int8CacheOutcome {
  Int8Calibration calibration;
  /// Integer vs float32 embeddings of the check photos; none when the
  /// check was not asked for or too few photos were left for it.
  std::optional<EmbeddingAgreement> check;
  std::string noCheckReason;  ///< why there is no check, when it was asked for
};

/// Calibrates `bundle` (its mirror setting as it is) on photos of `cache`
/// drawn at random (seed 1): photos of the people the model trained on when
/// the bundle lists them, so that the photos setting the integer scales stay
/// off the people it is scored on; the check takes other photos of the same
/// people (a quarter of them at most), the same ones whatever the
/// calibration's count. throws Error when
/// the cache has no photo of those people or the network cannot run in
/// 8-bit integers.
Int8CacheOutcome calibrateInt8OnCache(const BundleFile& bundle, const FaceCache& cache, const Int8CacheOptions& options);

}  // namespace siamese
