#pragma once
/// \file Montage.h
/// Pair montages: a grid of face pairs, each labelled same/different, and,
/// once a model has scored them, coloured by whether its verdict (distance
/// below the threshold means "same") was right.

#include <optional>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

struct MontagePair {
  Image a;
  Image b;
  bool same = false;
  std::string caption;              ///< e.g. the person names; may be empty
  std::optional<double> distance;   ///< a model's distance for the pair
};

struct MontageOptions {
  int columns = 7;
  int rows = 7;
  int faceSize = 96;   ///< each face is drawn faceSize×faceSize
  /// With distances: pairs closer than this are the model's "same".
  std::optional<double> threshold;
};

/// Renders up to columns×rows pairs into one BGR image. Labels read
/// "same"/"different"; with a threshold and distances, each tile's frame is
/// green where the model's verdict matches the label and red where not,
/// and the distance is printed.
Image renderMontage(const std::vector<MontagePair>& pairs, const MontageOptions& options);

}  // namespace siamese
