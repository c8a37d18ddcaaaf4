#pragma once
/// \file HealthMontage.h
/// The health check's pairs as a pair montage, to look at rather than read:
/// each likely mislabelled photo beside the photo of the person it sits
/// nearer to, each near-duplicate pair, and the most confusable pairs of
/// people (their nearest photos), with distances against the threshold.

#include "common/Image.h"
#include "gallery/GalleryHealth.h"
#include "gallery/GalleryStore.h"

namespace siamese {

/// throws Error when the report has no pairs to show.
Image renderHealthMontage(const GalleryStore& store, const GalleryHealthReport& report, double threshold);

}  // namespace siamese
