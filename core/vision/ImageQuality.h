#pragma once
/// \file ImageQuality.h
/// Cheap measures of how usable a face crop is: sharpness (the variance of
/// the Laplacian: edges blur away first) and exposure (mean brightness and
/// the share of clipped pixels). Used to keep the best shots of a live
/// track and to check frames in guided enrolment.

#include "common/Image.h"

namespace siamese {

struct ImageQuality {
  double sharpness = 0;      ///< variance of the Laplacian of the grey image
  double brightness = 0;     ///< mean grey level, 0..255
  double clipped = 0;        ///< share of pixels at ≤ 5 or ≥ 250
};

ImageQuality measureQuality(const Image& image);

}  // namespace siamese
