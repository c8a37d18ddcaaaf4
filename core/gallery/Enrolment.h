#pragma once
/// \file Enrolment.h
/// Adding reference photos to the gallery: exactly one face is expected;
/// a photo without a face is refused with its file named, a photo with
/// several faces uses the largest (and says so) unless told to refuse, and
/// the same photo twice is skipped. The crop is made with the model's own
/// preparation settings and embedded at once.

#include <cstdint>
#include <optional>
#include <string>

#include "common/Progress.h"
#include "gallery/GalleryStore.h"
#include "nn/Embedder.h"
#include "gallery/FaceEncoder.h"

namespace siamese {

enum class EnrolStatus { Added, Duplicate, NoFace, SeveralFaces, Unreadable };

struct EnrolOutcome {
  EnrolStatus status = EnrolStatus::Unreadable;
  std::string message;               ///< one line for the user, naming the file
  std::optional<std::int64_t> photoId;
  int facesFound = 0;

  bool added() const { return status == EnrolStatus::Added; }
};

struct EnrolOptions {
  bool refuseSeveralFaces = false;  ///< fail photos with more than one face
  DetectorKind detector = DetectorKind::Hog;
};

class Enroller {
 public:
  /// throws Error when the models cannot be loaded.
  Enroller(GalleryStore& store, Embedder& embedder, const EnrolOptions& options = {});

  /// Adds the photo at `path` to the person. Never throws for a bad photo:
  /// the outcome says what happened.
  EnrolOutcome enrolFile(std::int64_t personId, const std::string& path);
  /// The same for a photo already in memory (a camera snapshot); `name`
  /// is what the gallery records as its source.
  EnrolOutcome enrolPhoto(std::int64_t personId, const std::vector<std::uint8_t>& bytes, const std::string& name);
  /// Records that the face in the photo at `path` is not the person (a
  /// correction, GalleryStore::addRejection), embedded at once.
  EnrolOutcome rejectFile(std::int64_t personId, const std::string& path);

 private:
  EnrolOutcome storeFile(std::int64_t personId, const std::string& path, bool rejected);
  EnrolOutcome encodeAndStore(std::int64_t personId, const std::vector<std::uint8_t>& bytes, const std::string& path,
                              bool rejected);

  GalleryStore& m_store;
  FaceEncoder m_encoder;
};

/// Stores a face that is already cut out and embedded (a face of the live
/// view): the photo it came from, its crop, and its embedding for `modelId`.
/// Nothing is detected or embedded again. A duplicate photo is skipped.
EnrolOutcome enrolEncodedFace(GalleryStore& store, std::int64_t personId, const std::vector<std::uint8_t>& photo,
                              const std::string& source, const Image& crop, bool aligned, const std::string& modelId,
                              const Embedding& embedding);

/// Records a face already cut out and embedded (a face of the live view) as
/// not the person, in one transaction with its embedding.
EnrolOutcome rejectEncodedFace(GalleryStore& store, std::int64_t personId, const std::vector<std::uint8_t>& photo,
                               const std::string& source, const Image& crop, bool aligned, const std::string& modelId,
                               const Embedding& embedding);

struct ReembedSummary {
  std::size_t embedded = 0;
  std::size_t failed = 0;    ///< originals that no longer give a face with this model's settings
  std::size_t repaired = 0;  ///< embeddings of the wrong size, removed first (and so made anew)
  bool stopped = false;
};

/// Embeds every gallery photo that has no embedding for `embedder`'s model
/// yet, re-preparing each from its original bytes with the model's own
/// settings. Resumable: a stopped run continues where it ended.
ReembedSummary reembedGallery(GalleryStore& store, Embedder& embedder, const ProgressFn& progress = {},
                              const StopToken* stop = nullptr);

}  // namespace siamese
