#pragma once
/// \file ThresholdCalibration.h
/// A threshold measured on the gallery itself rather than on the model's
/// validation pairs: the people enrolled here, photographed by these
/// cameras, may sit closer together or further apart than the faces the
/// model was tuned on. Genuine pairs are two photos of the same enrolled
/// person, impostor pairs two photos of different people; the threshold is
/// the largest one that lets at most the target share of impostor pairs
/// (with the user's corrections among them) through (the false-accept rate), and the false-reject rate is what it
/// costs on the genuine pairs.

#include <cstddef>
#include <string>
#include <vector>

#include "gallery/Matcher.h"

namespace siamese {

/// One threshold and its error rates on the gallery's pairs ("same" means
/// distance < threshold, as in matching).
struct GalleryOperatingPoint {
  double threshold = 0;
  double falseAcceptRate = 0;  ///< impostor pairs below the threshold / impostor pairs
  double falseRejectRate = 0;  ///< genuine pairs at or above it / genuine pairs (0 when there are none)
};

struct CalibrationOptions {
  double targetFar = 0.01;
  double bundleThreshold = 0;  ///< the model's own threshold, scored on the same pairs
  /// Pair limits: above them pairs are drawn at random (seeded), because
  /// n photos make n²/2 pairs and a Koch head costs a model call per pair.
  std::size_t maxGenuinePairs = 200000;
  std::size_t maxImpostorPairs = 500000;
  std::uint64_t seed = 1;
  /// Fewer genuine pairs than this earn a warning: the FRR is then a guess.
  std::size_t minGenuinePairs = 50;
  /// Faces the user rejected as a person (GalleryStore::rejectionEmbeddings):
  /// each against each of that person's photos is an impostor pair, always
  /// counted (never sampled away): they are the pairs the user has seen fail.
  std::vector<StoredEmbedding> corrections;
};

struct CalibrationReport {
  GalleryOperatingPoint chosen;   ///< at the target false-accept rate
  GalleryOperatingPoint bundle;   ///< the model's own threshold on this gallery
  double targetFar = 0;
  std::size_t genuinePairs = 0;
  std::size_t impostorPairs = 0;
  std::size_t correctionPairs = 0;  ///< of the impostor pairs, those from corrections
  bool sampled = false;           ///< pairs were drawn, not all used
  std::size_t people = 0;
  std::size_t peopleWithSeveralPhotos = 0;  ///< only these give genuine pairs
  std::vector<std::string> warnings;        ///< why the figures may not be trusted

  /// A short description of how the threshold was chosen, to store with it.
  std::string method() const;
};

/// Calibrates on `embeddings` (one model's, GalleryStore::embeddings).
/// throws Error when there are no impostor pairs (fewer than two people).
CalibrationReport calibrateThreshold(const std::vector<StoredEmbedding>& embeddings, const DistanceFn& distance,
                                     const CalibrationOptions& options = {});

/// The error rates of one threshold on given distances.
GalleryOperatingPoint operatingPoint(const std::vector<double>& genuine, const std::vector<double>& impostor,
                                     double threshold);

/// The largest threshold with at most `targetFar` of `impostor` distances
/// below it: halfway between the last impostor distance it lets through
/// and the first it stops (so it does not sit on a measured distance).
double thresholdForFar(std::vector<double> impostor, double targetFar);

}  // namespace siamese
