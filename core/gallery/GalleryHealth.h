#pragma once
/// \file GalleryHealth.h
/// A gallery's health for one model, from its stored embeddings: photos
/// that sit nearer to another person than to their own (likely
/// mislabelled), near-duplicate photos, people with too few photos for
/// reliable matching, photos without an embedding for the model, and the
/// most confusable pairs of people (their nearest photos, against the
/// threshold). Each finding says what to do about it.

#include <cstdint>
#include <string>
#include <vector>

#include "gallery/GalleryStore.h"
#include "gallery/Matcher.h"

namespace siamese {

struct HealthFinding {
  /// "mislabelled", "near-duplicate", "too-few-photos", "missing-embedding"
  std::string kind;
  std::string message;  ///< what was found, with names
  std::string action;   ///< what to do about it
  std::int64_t personId = 0;
  std::int64_t photoId = 0;       ///< the photo concerned (0 for a person-level finding)
  std::int64_t otherPhotoId = 0;  ///< the photo it is compared with, when there is one
  double distance = 0;
  std::int64_t otherPersonId = 0;  ///< whose the other photo is
};

/// Two people and their nearest photos.
struct ConfusablePair {
  std::int64_t personA = 0, personB = 0;
  std::string nameA, nameB;
  std::int64_t photoA = 0, photoB = 0;
  double distance = 0;
  bool withinThreshold = false;  ///< a photo of one would be taken for the other
};

struct HealthOptions {
  int minPhotos = 3;                ///< fewer photos than this: matching is unreliable
  double duplicateShare = 0.1;      ///< closer than this share of the threshold: a near-duplicate
  std::size_t confusablePairs = 5;  ///< how many of the most confusable pairs to list
};

struct GalleryHealthReport {
  std::size_t people = 0, photos = 0, embedded = 0;
  std::vector<HealthFinding> findings;
  std::vector<ConfusablePair> confusable;  ///< nearest first
  std::string toJson() const;
};

/// Reads `store` (people, photos, embeddings for `modelId`).
GalleryHealthReport checkGalleryHealth(const GalleryStore& store, const std::string& modelId, const DistanceFn& distance,
                                       double threshold, const HealthOptions& options = {});

}  // namespace siamese
