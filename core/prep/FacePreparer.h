#pragma once
/// \file FacePreparer.h
/// Photo → aligned face crop, and a whole data set → face cache.
/// This is the stage every later one stands on: training and evaluation
/// read the cache; enrolment and live identification prepare single photos
/// with the same code, so a face is cropped the same way everywhere.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/Image.h"
#include "common/Progress.h"
#include "data/Dataset.h"
#include "vision/FaceAligner.h"
#include "vision/FaceDetector.h"

namespace siamese {

/// What to do with a photo in which the detector finds several faces.
enum class MultiFacePolicy {
  MostCentral,  ///< the face nearest the centre among the large ones (LFW's convention)
  Largest,      ///< the biggest face
  Refuse,       ///< fail the photo
};

struct PrepareOptions {
  DetectorOptions detector;
  AlignOptions align;
  MultiFacePolicy multiFace = MultiFacePolicy::MostCentral;
  /// When nothing is found, detect again on a copy with a 25% border: ready
  /// cropped faces (AT&T, celeb13) fill the frame and leave the detector no
  /// context.
  bool retryWithBorder = true;
  /// When the detector (and its border retry) finds nothing, this one looks
  /// too: dlib's CNN detector finds the faces HOG misses (turned heads,
  /// shadows) at many times its cost, so it runs only on those photos.
  std::optional<DetectorOptions> secondChance;
  /// Worker threads; 0 uses every core.
  int threads = 0;
};

/// The outcome for one photo: a face, or the reason there is none.
struct PreparedFace {
  bool ok = false;
  AlignedFace face;
  FaceBox box;          ///< the chosen face, in the photo's coordinates
  std::vector<FaceBox> faces;  ///< every face the detector found, photo coordinates
  int facesFound = 0;
  std::string failure;  ///< why !ok ("no face found", ...)
};

/// Prepares single photos. Not thread-safe (it owns a detector); clone()
/// one per thread. The landmark model is shared between clones.
class FacePreparer {
 public:
  /// `facePhotos` false: images are characters or digits, used whole and
  /// resized to the crop size. throws Error when a model cannot be loaded.
  FacePreparer(const PrepareOptions& options, bool facePhotos);
  ~FacePreparer();

  PreparedFace prepare(const Image& photo);
  /// Aligns one given face box of `photo` (for photos with several faces
  /// that all matter, such as identification). requires: facePhotos().
  AlignedFace alignFace(const Image& photo, const FaceBox& box) const;
  std::unique_ptr<FacePreparer> clone() const;

  const PrepareOptions& options() const { return m_options; }
  bool facePhotos() const { return m_facePhotos; }

 private:
  FacePreparer(const FacePreparer& other);
  PreparedFace resizeWhole(const Image& photo) const;

  PrepareOptions m_options;
  bool m_facePhotos;
  std::unique_ptr<FaceDetector> m_detector;
  std::unique_ptr<FaceDetector> m_secondChance;
  std::unique_ptr<FaceAligner> m_aligner;
};

struct PrepareSummary {
  std::size_t photos = 0;        ///< in the data set
  std::size_t alreadyDone = 0;   ///< skipped: in the cache from an earlier run
  std::size_t processed = 0;     ///< handled by this run
  std::size_t aligned = 0;       ///< of processed: landmark-aligned crops
  std::size_t unaligned = 0;     ///< of processed: fallback box crops
  std::size_t failed = 0;        ///< of processed: no usable face
  std::size_t severalFaces = 0;  ///< of processed: more than one face seen
  double seconds = 0;
  double photosPerSecond = 0;    ///< processed / seconds
  bool stopped = false;          ///< the stop token ended the run early
};

/// Detects and aligns every photo of `dataset` not yet in the cache at
/// `cachePath`, in parallel, appending to the cache (created when absent).
/// Failures are recorded with their reason. `retryFailures` re-attempts
/// photos that failed in an earlier run. Safe to interrupt: records are
/// flushed every few seconds and a rerun resumes.
/// throws Error when the cache cannot be written or was made with other
/// settings, or when a model cannot be loaded.
PrepareSummary prepareDataset(const Dataset& dataset, const std::string& cachePath,
                              const PrepareOptions& options, bool retryFailures = false,
                              const ProgressFn& progress = {}, const StopToken* stop = nullptr);

}  // namespace siamese
