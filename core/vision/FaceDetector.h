#pragma once
/// \file FaceDetector.h
/// Face detection behind one interface: dlib's HOG frontal detector (the
/// default), OpenCV's Haar cascade, dlib's CNN (MMOD) detector, or "none"
/// (the whole image is one face, for data sets of ready-made crops).

#include <memory>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

/// A face's bounding box in the pixel coordinates of the image passed to
/// detect() (top-left origin, x right, y down), whatever scaling the
/// detector used internally.
struct FaceBox {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;
  /// Detector confidence; comparable only between boxes of one detector.
  float score = 0;

  float area() const { return width * height; }
  float centerX() const { return x + width / 2; }
  float centerY() const { return y + height / 2; }
};

enum class DetectorKind { Hog, Haar, Mmod, None };

/// Parses "hog", "haar", "mmod" or "none". throws Error otherwise.
DetectorKind parseDetectorKind(const std::string& name);
std::string detectorKindName(DetectorKind kind);

/// The most pixels a detector scans in one photo (after any upsampling for
/// small faces): 24 megapixels. A larger photo is scanned scaled down, so a
/// face must then be proportionally larger than minFaceSize to be found.
constexpr double kMaxDetectPixels = 24e6;

struct DetectorOptions {
  DetectorKind kind = DetectorKind::Hog;
  /// Smallest face to report, in original pixels. When it is below what the
  /// detector sees natively (HOG: 80 px, MMOD: 40 px, Haar: 24 px) the image
  /// is upsampled for detection.
  int minFaceSize = 40;
  /// When > 0, the image is downscaled so its longer side is at most this
  /// before detecting (faster on large frames). Boxes still come back in
  /// original coordinates.
  int maxDetectSide = 0;
  /// MMOD: the dlib model file (required). Haar: a cascade XML (default:
  /// haarcascade_frontalface_default.xml from opencv-data).
  std::string modelPath;
  /// Added to the detector's decision threshold (HOG/MMOD): negative finds
  /// more faces, positive fewer.
  double adjustThreshold = 0.0;
};

/// Finds faces in an image. Instances are not thread-safe: give each thread
/// its own (clone() is cheap next to loading a model).
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;

  /// Faces in `image` (BGR or grey), strongest first. Never throws on a
  /// valid image; an empty image gives no faces.
  virtual std::vector<FaceBox> detect(const Image& image) = 0;

  virtual DetectorKind kind() const = 0;
  virtual std::unique_ptr<FaceDetector> clone() const = 0;
};

/// Creates a detector. throws Error when a model file is missing or is not
/// a model of the right kind.
std::unique_ptr<FaceDetector> createFaceDetector(const DetectorOptions& options);

/// Default Haar cascade from opencv-data.
std::string defaultHaarCascadePath();

}  // namespace siamese
