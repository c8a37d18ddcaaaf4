#pragma once
/// \file FaceAligner.h
/// Landmark alignment: dlib's 68-point shape predictor finds the eyes, nose
/// and mouth; a similarity transform (rotation, uniform scale, translation)
/// maps them onto a fixed template; the face is resampled into a square
/// crop. When landmarks are implausible the detector's box with a margin is
/// cropped instead and the crop is flagged as unaligned.

#include <array>
#include <memory>
#include <string>

#include "common/Image.h"
#include "vision/FaceDetector.h"

namespace cv { class Mat; }
namespace dlib { class full_object_detection; }

namespace siamese {

struct Point2f {
  float x = 0;
  float y = 0;
};

/// Five alignment points: left eye, right eye (as seen in the image), nose
/// tip, left and right mouth corners.
using FivePoints = std::array<Point2f, 5>;

/// How a face is cut out of the photo.
enum class AlignMethod {
  Template,  ///< five points onto a fixed template (similarity transform), this project's own
  DlibChip,  ///< dlib's get_face_chip_details + extract_image_chip: what dlib's face ResNet expects
};

/// Parses "template" or "dlib-chip". throws Error otherwise.
AlignMethod parseAlignMethod(const std::string& name);
std::string alignMethodName(AlignMethod method);

struct AlignOptions {
  AlignMethod method = AlignMethod::Template;
  int cropSize = 112;    ///< side of the square crop, px
  bool colour = false;   ///< BGR crop when true, grey otherwise
  /// Extra context around the template, as a fraction of the crop: 0 gives
  /// the tight template (eyes to mouth), 0.2 shows more forehead and chin.
  /// For a dlib chip, dlib's own padding (0.25 for its face ResNet).
  float padding = 0.1f;
  /// dlib's shape_predictor_68_face_landmarks.dat (from libdlib-data).
  std::string landmarkModelPath;
  /// Fallback crop: the detector box grown by this fraction on each side.
  float fallbackMargin = 0.15f;
};

/// An aligned crop with how it was made.
struct AlignedFace {
  Image crop;             ///< cropSize×cropSize, 1 or 3 channels
  bool aligned = false;   ///< false: fallback box crop (landmarks failed)
  FivePoints landmarks{}; ///< in the source image's pixels (zero when !aligned)
};

/// Default path of the 68-point landmark model.
std::string defaultLandmarkModelPath();

/// Thread-safe after construction: align() may be called from many threads
/// (copies share the landmark model).
class FaceAligner {
 public:
  /// Loads the landmark model. throws Error when it is missing or corrupt.
  explicit FaceAligner(AlignOptions options);
  ~FaceAligner();
  FaceAligner(const FaceAligner&);
  FaceAligner& operator=(const FaceAligner&);

  /// Aligns the face in `box` of `image` (BGR or grey).
  AlignedFace align(const Image& image, const FaceBox& box) const;

  /// Crops `box` with the fallback margin, without landmarks.
  AlignedFace cropBox(const Image& image, const FaceBox& box) const;

  /// Where the five points land in a crop of the configured size.
  FivePoints templatePoints() const;

  const AlignOptions& options() const { return m_options; }

 private:
  struct Model;
  AlignedFace dlibChip(const cv::Mat& source, const dlib::full_object_detection& shape,
                       const FivePoints& points) const;
  AlignOptions m_options;
  std::shared_ptr<const Model> m_model;
};

/// Least-squares similarity transform taking `from` onto `to`, as a 2×3
/// row-major matrix [a -b tx; b a ty]. Exposed for tests.
std::array<double, 6> estimateSimilarity(const FivePoints& from, const FivePoints& to);

}  // namespace siamese
