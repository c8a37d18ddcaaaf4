// OpenCV's Viola-Jones Haar cascade: the fastest of the three, and the
// least precise. Scores are the cascade's final-stage weights.

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "common/Error.h"
#include "vision/detail/ScalingDetector.h"

#ifndef SIAMESE_OPENCV_DATA_DIR
#define SIAMESE_OPENCV_DATA_DIR "/usr/share/opencv4"
#endif

namespace siamese {

std::string defaultHaarCascadePath() {
  return std::string(SIAMESE_OPENCV_DATA_DIR) + "/haarcascades/haarcascade_frontalface_default.xml";
}

namespace detail {
namespace {

class HaarDetector : public ScalingDetector {
 public:
  explicit HaarDetector(const DetectorOptions& options) : ScalingDetector(options) {
    const std::string path = options.modelPath.empty() ? defaultHaarCascadePath() : options.modelPath;
    if (!std::filesystem::exists(path)) {
      throw Error("Haar cascade not found: " + path + " (install the opencv-data package)");
    }
    try {
      m_cascade.load(path);
    } catch (const cv::Exception& e) {
      throw Error("cannot read Haar cascade " + path + ": " + e.err);
    }
    if (m_cascade.empty()) throw Error("not a Haar cascade file: " + path);
    m_path = path;
  }

  HaarDetector(const HaarDetector& other) : HaarDetector(other.options()) {}

  std::unique_ptr<FaceDetector> clone() const override {
    return std::make_unique<HaarDetector>(*this);
  }

 protected:
  int nativeMinFace() const override { return 24; }

  std::vector<FaceBox> detectScaled(const cv::Mat& image) override {
    cv::Mat grey;
    if (image.channels() == 3) {
      cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
    } else {
      grey = image.clone();
    }
    cv::equalizeHist(grey, grey);
    std::vector<cv::Rect> rects;
    std::vector<int> levels;
    std::vector<double> weights;
    m_cascade.detectMultiScale(grey, rects, levels, weights, 1.1, 4, 0, cv::Size(24, 24), cv::Size(),
                               true);
    std::vector<FaceBox> boxes;
    for (std::size_t i = 0; i < rects.size(); ++i) {
      const float score = i < weights.size() ? float(weights[i]) : 0.0f;
      boxes.push_back(FaceBox{float(rects[i].x), float(rects[i].y), float(rects[i].width),
                              float(rects[i].height), score});
    }
    return boxes;
  }

 private:
  cv::CascadeClassifier m_cascade;
  std::string m_path;
};

}  // namespace

std::unique_ptr<FaceDetector> createHaarDetector(const DetectorOptions& options) {
  return std::make_unique<HaarDetector>(options);
}

}  // namespace detail
}  // namespace siamese
