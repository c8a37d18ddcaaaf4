#pragma once
/// \file ModelBundle.h
/// A trained model in one file: weights, the architecture, what input it
/// expects, how distances are measured, the decision threshold and how it
/// was chosen, what it was trained on (including every training identity,
/// so evaluation can refuse a test set whose people the model has seen),
/// and its metrics.
///
/// File layout (little-endian):
///     "SIAMMODL" u32 version
///     u32 length, metadata JSON
///     u64 length, weights (LibTorch archive)
///     u32 CRC-32 of everything before it
/// A truncated or altered file fails the length or CRC check and is
/// refused with a message saying so.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nn/NetworkConfig.h"

namespace siamese {

/// What the network expects: crops made by `siamese prepare` with these
/// settings, turned into numbers as `normalization` says.
struct InputSpec {
  int cropSize = 112;         ///< crops are prepared at this size, then resized to `size`
  int size = 64;
  int channels = 1;
  bool alignedFaces = true;   ///< false: whole images (digits, characters)
  float padding = 0.1f;       ///< alignment template padding of the crops
  /// Embed each crop and its mirror image and use their (re-normalised)
  /// mean: faces are roughly symmetric, so this steadies the embedding
  /// against pose and lighting at twice the network cost.
  bool mirrorAverage = false;
  /// How a face is cut out: "template" (five landmarks onto a fixed template
  /// by a similarity transform, FaceAligner's own) or "dlib-chip" (dlib's
  /// get_face_chip_details + extract_image_chip on the 68 landmarks: the
  /// crop dlib's face-recognition ResNet was trained on).
  std::string alignment = "template";
  /// How pixels become network input: "unit-range" (BGR or grey,
  /// pixel / 127.5 − 1) or "dlib-rgb" (RGB order, minus dlib's channel means
  /// 122.782, 117.001, 104.298, divided by 256).
  std::string normalization = "unit-range";
};

/// Where weights made elsewhere came from; empty for models trained here.
struct ModelSource {
  std::string origin;        ///< package and file the weights were read from
  std::string version;       ///< of that package
  std::string sha256;        ///< of the weight file as read
  std::string licence;       ///< of the weights, and of the package
  std::string trainingData;  ///< what the weights were trained on, per their author
  std::string reference;     ///< the accuracy their author reports, and where

  bool empty() const { return origin.empty(); }
};

/// How the decision cut-off was derived.
struct ThresholdInfo {
  double value = 0.5;
  /// "midpoint" (mean same/different distance midpoint), "best-accuracy",
  /// "eer", "far=<rate>", or "manual".
  std::string method = "midpoint";
  std::string chosenOn;  ///< the pairs it was chosen on, e.g. "validation split"
};

struct TrainingSummary {
  std::string dataset;
  int people = 0;
  int photos = 0;
  std::vector<std::string> identities;  ///< every person seen in training
  std::string loss;                     ///< "contrastive", "triplet", "koch"
  int epochs = 0;
  double seconds = 0;
  std::string configJson;               ///< the full training configuration
  std::string finishedAt;               ///< ISO 8601 UTC
  /// For a model trained on top of another: that model's name and id, and
  /// what trained ("head", "last-blocks (2)", "all"); empty from scratch.
  std::string initialisedFrom;
};

/// 8-bit integer inference on the CPU (`siamese model --precision int8`):
/// the range of values each quantized activation of the network took on
/// calibration crops, from which its 8-bit scale follows. Empty: float32.
struct Int8Calibration {
  /// min, max of each activation in the order the network computes them
  /// (see detail::Int8ResidualNet).
  std::vector<float> ranges;
  /// What rounding the weights shifts each output channel's mean by on the
  /// calibration crops, subtracted from its bias: one value per output
  /// channel of each integer convolution, in the order of the ranges'
  /// layers (the stem, then each block's convolutions). Empty in bundles
  /// calibrated before 2026-12-06, which run uncorrected.
  std::vector<float> biasCorrections;
  std::string calibratedOn;  ///< the crops measured, for the model's description
  int crops = 0;
  std::string rangesFrom = "min-max";  ///< how the ranges were chosen (Int8Ranges' names)
  bool empty() const { return ranges.empty(); }
};

struct BundleMetadata {
  std::string modelId;                  ///< derived from the weights; set on save
  std::string name;                     ///< human-readable, optional
  NetworkConfig network;
  /// "euclidean": distance between embeddings; "koch": 1 − sigmoid of the
  /// learned weighted-L1 head (so smaller still means more alike).
  std::string distance = "euclidean";
  InputSpec input;
  ThresholdInfo threshold;
  TrainingSummary training;
  ModelSource source;
  Int8Calibration int8;
  /// Embed in bfloat16 on CPUs that compute it natively (`siamese model
  /// --precision bfloat16`; see nn/BFloat16Inference.h). No calibration:
  /// every weight and activation keeps float32's range with 8 bits of
  /// mantissa. Never together with int8.
  bool bfloat16 = false;
  std::map<std::string, double> metrics;

  std::string toJson() const;
  static BundleMetadata fromJson(const std::string& json);
};

struct BundleFile {
  BundleMetadata metadata;
  std::string weights;  ///< LibTorch archive bytes
};

/// Writes atomically; sets metadata.modelId from the weights.
/// throws FileError on failure.
void writeBundle(const std::string& path, BundleFile& bundle);

/// Reads and verifies a bundle. throws FileError naming the path when it
/// is missing, not a model bundle, truncated, corrupt, or of a newer version.
BundleFile readBundle(const std::string& path);
/// readBundle on bytes already read; `name` names them in errors.
BundleFile parseBundle(const std::vector<std::uint8_t>& bytes, const std::string& name);

/// A stable id for a set of weights (16 hex digits of a 64-bit FNV-1a hash).
std::string modelIdOf(const std::string& weights);
/// The id of a bundle: of its weights, and of the settings that change its
/// embeddings (mirror averaging, 8-bit inference and its calibration, bfloat16), so
/// galleries embedded one way are never matched against embeddings made
/// another way.
std::string modelIdOf(const std::string& weights, const InputSpec& input, const Int8Calibration& int8 = {},
                      bool bfloat16 = false);

}  // namespace siamese
