#pragma once
// Private to core: the shared part of every detector. It rescales the image
// to what the detector needs (upsample for small faces, downsample for
// speed), runs the concrete detector on the scaled copy and maps the boxes
// back to original coordinates.

#include <opencv2/core.hpp>

#include "vision/FaceDetector.h"

namespace siamese::detail {

class ScalingDetector : public FaceDetector {
 public:
  explicit ScalingDetector(DetectorOptions options) : m_options(std::move(options)) {}

  std::vector<FaceBox> detect(const Image& image) final;
  DetectorKind kind() const final { return m_options.kind; }

 protected:
  /// Smallest face (px) the detector finds at scale 1.
  virtual int nativeMinFace() const = 0;
  /// Runs on the scaled image (8-bit grey or BGR as given); boxes in its
  /// coordinates.
  virtual std::vector<FaceBox> detectScaled(const cv::Mat& bgrOrGrey) = 0;

  const DetectorOptions& options() const { return m_options; }

 private:
  DetectorOptions m_options;
};

std::unique_ptr<FaceDetector> createHogDetector(const DetectorOptions& options);
std::unique_ptr<FaceDetector> createHaarDetector(const DetectorOptions& options);
std::unique_ptr<FaceDetector> createMmodDetector(const DetectorOptions& options);

}  // namespace siamese::detail
