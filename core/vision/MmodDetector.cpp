// dlib's CNN face detector (max-margin object detection). Finds faces at
// more angles than HOG, and is much slower on a CPU. The network layout
// below must match the layers serialized in the model file.

#include <dlib/dnn.h>
#include <dlib/opencv/cv_image.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "vision/detail/ScalingDetector.h"

namespace siamese::detail {
namespace {

template <long Filters, typename Subnet>
using StridedConv5 = dlib::con<Filters, 5, 5, 2, 2, Subnet>;
template <long Filters, typename Subnet>
using Conv5 = dlib::con<Filters, 5, 5, 1, 1, Subnet>;

// Three stride-2 convolutions: an 8x downsampling front end.
template <typename Subnet>
using Downsampler = dlib::relu<dlib::affine<StridedConv5<
    32, dlib::relu<dlib::affine<StridedConv5<32, dlib::relu<dlib::affine<StridedConv5<16, Subnet>>>>>>>>>;
template <typename Subnet>
using Block45 = dlib::relu<dlib::affine<Conv5<45, Subnet>>>;

using MmodNet = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    Block45<Block45<Block45<Downsampler<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

class MmodDetector : public ScalingDetector {
 public:
  explicit MmodDetector(const DetectorOptions& options) : ScalingDetector(options) {
    const std::string& path = options.modelPath;
    if (path.empty()) {
      throw Error("the MMOD (CNN) detector needs a model file (mmod_human_face_detector.dat)");
    }
    if (!std::filesystem::exists(path)) throw Error("MMOD model not found: " + path);
    m_net = std::make_shared<MmodNet>();
    try {
      dlib::deserialize(path) >> *m_net;
    } catch (const std::exception& e) {
      throw Error("not a dlib MMOD face-detector model, or the file is truncated: " + path + " (" +
                  e.what() + ")");
    }
  }

  // Each copy owns its own network: forward passes keep state inside it.
  MmodDetector(const MmodDetector& other)
      : ScalingDetector(other.options()), m_net(std::make_shared<MmodNet>(*other.m_net)) {}

  std::unique_ptr<FaceDetector> clone() const override {
    return std::make_unique<MmodDetector>(*this);
  }

 protected:
  int nativeMinFace() const override { return 40; }

  std::vector<FaceBox> detectScaled(const cv::Mat& image) override {
    cv::Mat rgb;
    cv::cvtColor(image, rgb, image.channels() == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_GRAY2RGB);
    dlib::matrix<dlib::rgb_pixel> input;
    dlib::assign_image(input, dlib::cv_image<dlib::rgb_pixel>(rgb));
    std::vector<FaceBox> boxes;
    for (const auto& d : m_net->process(input, options().adjustThreshold)) {
      boxes.push_back(FaceBox{float(d.rect.left()), float(d.rect.top()), float(d.rect.width()),
                              float(d.rect.height()), float(d.detection_confidence)});
    }
    return boxes;
  }

 private:
  std::shared_ptr<MmodNet> m_net;
};

}  // namespace

std::unique_ptr<FaceDetector> createMmodDetector(const DetectorOptions& options) {
  return std::make_unique<MmodDetector>(options);
}

}  // namespace siamese::detail
