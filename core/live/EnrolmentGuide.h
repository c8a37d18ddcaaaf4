#pragma once
/// \file EnrolmentGuide.h
/// Guided enrolment from a camera (or a video file or image folder): every
/// frame is checked (exactly one face, large enough, sharp, well exposed)
/// and its head pose read from the landmarks (frontal, turned to the left
/// or to the right of the picture); the best frame of each pose is kept
/// until all three are there, and the guide says what is still missing.
/// The captures are then enrolled as the person's reference photos.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/Image.h"
#include "gallery/FaceEncoder.h"
#include "gallery/GalleryStore.h"
#include "nn/Embedder.h"

namespace siamese {

enum class HeadPose { Frontal, TurnedLeft, TurnedRight };

/// "frontal", "turned left", "turned right" (left and right of the picture).
const char* headPoseName(HeadPose pose);

/// The nose tip's horizontal offset from the midpoint of the eyes, in eye
/// distances: about 0 facing the camera, negative when the nose points to
/// the left of the picture.
double yawOf(const FivePoints& landmarks);

struct GuideOptions {
  int minFaceWidth = 80;         ///< px in the frame
  double minSharpness = 40;      ///< variance of the Laplacian of the model's crop
  double minBrightness = 50;     ///< mean grey level of the crop
  double maxBrightness = 205;
  double maxClipped = 0.2;       ///< share of crop pixels that are black or white
  double frontalYaw = 0.07;      ///< |yaw| below this: frontal
  double turnedYaw = 0.14;       ///< |yaw| above this: turned (in between: neither)
  double maxYaw = 0.6;           ///< beyond this the face is in profile: not used
};

/// What one frame gave.
struct GuideVerdict {
  bool accepted = false;      ///< usable, and kept as the best of its pose so far
  bool usable = false;        ///< passed every check (a pose may already have a better frame)
  std::string problem;        ///< why not usable, in words, with the measured value
  std::optional<HeadPose> pose;
  int faces = 0;
  int faceWidth = 0;
  double yaw = 0, sharpness = 0, brightness = 0;
};

struct GuideCapture {
  Image photo;          ///< the frame (what the gallery keeps as the original)
  Image crop;
  bool aligned = false;
  Embedding embedding;
  double score = 0;     ///< sharpness × width, less for a pose held loosely
  std::int64_t frameIndex = 0;
  double yaw = 0;
};

class EnrolmentGuide {
 public:
  /// throws Error when the detector or landmark model cannot be loaded.
  explicit EnrolmentGuide(Embedder& embedder, GuideOptions options = {});

  GuideVerdict check(const Image& frame, std::int64_t frameIndex = 0);

  std::vector<HeadPose> missing() const;
  bool complete() const { return missing().empty(); }
  /// What to do next ("turn your head so that your nose points to the left
  /// of the picture"), or that all poses are in.
  std::string instruction() const;
  const std::map<HeadPose, GuideCapture>& captures() const { return m_captures; }

  /// Stores every capture as a reference photo of `name` (created when
  /// new), with its embedding, in one transaction. Returns how many were
  /// added (a frame already enrolled is skipped).
  int enrol(GalleryStore& store, const std::string& name) const;

 private:
  GuideOptions m_options;
  FaceEncoder m_encoder;
  std::map<HeadPose, GuideCapture> m_captures;
};

}  // namespace siamese
