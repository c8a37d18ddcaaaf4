#include "vision/FaceDetector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "vision/CvInterop.h"
#include "vision/detail/ScalingDetector.h"

namespace siamese {
namespace {

// "none": the whole image is the face (data sets of ready-made crops).
class WholeImageDetector : public FaceDetector {
 public:
  std::vector<FaceBox> detect(const Image& image) override {
    if (image.empty()) return {};
    return {FaceBox{0, 0, float(image.width()), float(image.height()), 1.0f}};
  }
  DetectorKind kind() const override { return DetectorKind::None; }
  std::unique_ptr<FaceDetector> clone() const override {
    return std::make_unique<WholeImageDetector>();
  }
};

}  // namespace

DetectorKind parseDetectorKind(const std::string& name) {
  if (name == "hog") return DetectorKind::Hog;
  if (name == "haar") return DetectorKind::Haar;
  if (name == "mmod" || name == "cnn") return DetectorKind::Mmod;
  if (name == "none") return DetectorKind::None;
  throw Error("unknown face detector '" + name + "' (choose hog, haar, mmod or none)");
}

std::string detectorKindName(DetectorKind kind) {
  switch (kind) {
    case DetectorKind::Hog: return "hog";
    case DetectorKind::Haar: return "haar";
    case DetectorKind::Mmod: return "mmod";
    case DetectorKind::None: return "none";
  }
  return "?";
}

std::unique_ptr<FaceDetector> createFaceDetector(const DetectorOptions& options) {
  switch (options.kind) {
    case DetectorKind::Hog: return detail::createHogDetector(options);
    case DetectorKind::Haar: return detail::createHaarDetector(options);
    case DetectorKind::Mmod: return detail::createMmodDetector(options);
    case DetectorKind::None: return std::make_unique<WholeImageDetector>();
  }
  throw Error("unknown face detector");
}

namespace detail {

std::vector<FaceBox> ScalingDetector::detect(const Image& image) {
  if (image.empty()) return {};
  const cv::Mat original = asMat(image);
  const int longer = std::max(original.cols, original.rows);

  double scale = 1.0;
  if (m_options.minFaceSize > 0 && m_options.minFaceSize < nativeMinFace()) {
    scale = double(nativeMinFace()) / m_options.minFaceSize;
  }
  if (m_options.maxDetectSide > 0 && longer * scale > m_options.maxDetectSide) {
    scale = double(m_options.maxDetectSide) / longer;
  }
  // Upsampling past 4x costs 16x the time and finds mostly noise.
  scale = std::min(scale, 4.0);
  // What the detector allocates grows with the pixels it scans: however
  // large (or oddly shaped) the photo, they are bounded.
  const double pixels = double(original.cols) * double(original.rows);
  if (pixels * scale * scale > kMaxDetectPixels) scale = std::sqrt(kMaxDetectPixels / pixels);

  cv::Mat scaled = original;
  if (std::abs(scale - 1.0) > 1e-6) {
    cv::resize(original, scaled, cv::Size(), scale, scale,
               scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  std::vector<FaceBox> boxes = detectScaled(scaled);
  const float back = float(1.0 / scale);
  std::vector<FaceBox> kept;
  for (FaceBox box : boxes) {
    box.x *= back;
    box.y *= back;
    box.width *= back;
    box.height *= back;
    if (std::min(box.width, box.height) + 0.5f >= float(m_options.minFaceSize)) kept.push_back(box);
  }
  std::sort(kept.begin(), kept.end(), [](const FaceBox& a, const FaceBox& b) { return a.score > b.score; });
  return kept;
}

}  // namespace detail
}  // namespace siamese
