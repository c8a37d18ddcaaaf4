// dlib's HOG + linear SVM frontal face detector: fast on a CPU, finds
// upright frontal faces of 80 px and more at scale 1.

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <opencv2/imgproc.hpp>

#include "vision/detail/ScalingDetector.h"

namespace siamese::detail {
namespace {

class HogDetector : public ScalingDetector {
 public:
  explicit HogDetector(const DetectorOptions& options)
      : ScalingDetector(options), m_detector(dlib::get_frontal_face_detector()) {}

  std::unique_ptr<FaceDetector> clone() const override {
    return std::make_unique<HogDetector>(*this);
  }

 protected:
  int nativeMinFace() const override { return 80; }

  std::vector<FaceBox> detectScaled(const cv::Mat& image) override {
    // HOG on grey is ~3x faster than on colour and as accurate for faces.
    cv::Mat grey;
    if (image.channels() == 3) {
      cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    } else {
      grey = image;
    }
    dlib::cv_image<unsigned char> view(grey);
    std::vector<dlib::rect_detection> detections;
    m_detector(view, detections, options().adjustThreshold);
    std::vector<FaceBox> boxes;
    for (const auto& d : detections) {
      boxes.push_back(FaceBox{float(d.rect.left()), float(d.rect.top()), float(d.rect.width()),
                              float(d.rect.height()), float(d.detection_confidence)});
    }
    return boxes;
  }

 private:
  dlib::frontal_face_detector m_detector;
};

}  // namespace

std::unique_ptr<FaceDetector> createHogDetector(const DetectorOptions& options) {
  return std::make_unique<HogDetector>(options);
}

}  // namespace siamese::detail
