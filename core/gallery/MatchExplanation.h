#pragma once
/// \file MatchExplanation.h
/// Why a face got its name: the top candidates with their nearest gallery
/// photos and distances, the threshold they were held to, and any person
/// left out by a correction. For `siamese identify --explain` and a click
/// on a face in the live view.

#include <cstdint>
#include <string>
#include <vector>

#include "common/Image.h"
#include "gallery/GalleryStore.h"
#include "gallery/Matcher.h"

namespace siamese {

struct ExplainedPhoto {
  std::int64_t photoId = 0;
  double distance = 0;
  Image crop;  ///< the gallery's aligned crop
};

struct ExplainedCandidate {
  std::int64_t personId = 0;
  std::string name;
  double distance = 0;   ///< to their nearest photo: what the match ranks by
  bool vetoed = false;   ///< left out by a correction
  std::int64_t correctionId = 0;
  double correctionDistance = 0;  ///< to the rejected face, nearer than `distance`
  Image correctionCrop;           ///< the rejected face
  std::vector<ExplainedPhoto> nearest;  ///< their nearest photos, nearest first
};

struct MatchExplanation {
  double threshold = 0;
  std::vector<ExplainedCandidate> candidates;  ///< ranked, then the vetoed
  /// One line: who is named and why ("Ada: 0.41 is below the threshold
  /// 0.55"), or why nobody is.
  std::string verdict;
  std::vector<std::string> notes;  ///< one per person ruled out by a correction
};

struct ExplainOptions {
  std::size_t people = 3;          ///< candidates shown
  std::size_t photosPerPerson = 3; ///< nearest photos shown for each
};

/// Explains `query` against `index` (the gallery's references and
/// corrections for one model, loadGalleryIndex) at `threshold`; the photos'
/// crops are read from `store`. This is the face's own match: the live
/// view's vote and the joint naming of a photo's faces come on top of it
/// (their callers say so).
MatchExplanation explainMatch(const GalleryStore& store, const GalleryIndex& index, const DistanceFn& distance,
                              const std::vector<float>& query, double threshold, const ExplainOptions& options = {});

}  // namespace siamese
