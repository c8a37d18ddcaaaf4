#pragma once
/// \file GalleryAdaptation.h
/// "Adapt to my people" on a gallery: its photos are cut again as the model
/// expects, one photo of each person with three or more is held out as a
/// probe, the model is adapted on the rest with impostors from another
/// face cache (ModelAdaptation.h) and the user's corrections as hard
/// negatives, and only when the held-out check says the
/// adapted model is better is it written and the gallery embedded for it.
/// The model in use is never changed here: the caller makes the new one
/// active (it stays beside the old one, which remains selectable).

#include <string>

#include "common/Progress.h"
#include "gallery/Enrolment.h"
#include "gallery/GalleryStore.h"
#include "train/ModelAdaptation.h"

namespace siamese {

struct GalleryAdaptationOptions {
  AdaptationOptions adaptation;
  std::string impostorCache;  ///< faces of people not in the gallery, in the model's crops
  std::string outPath;        ///< where the adapted model is written when it is better
};

struct GalleryAdaptationResult {
  AdaptationResult adaptation;
  std::size_t photosUsed = 0;
  std::size_t correctionsUsed = 0;    ///< rejected faces trained on as hard negatives
  std::size_t photosWithoutFace = 0;  ///< originals that give no face with the model's settings
  bool deployed = false;              ///< written to outPath and the gallery embedded for it
  ReembedSummary reembedded;
};

/// throws Error as adaptModel, and when the gallery or the impostor cache
/// cannot be read.
GalleryAdaptationResult adaptGalleryModel(GalleryStore& store, const std::string& modelPath, double thresholdInForce,
                                          const GalleryAdaptationOptions& options, const ProgressFn& progress = {},
                                          const StopToken* stop = nullptr);

}  // namespace siamese
