#include "vision/ImageQuality.h"

#include <opencv2/imgproc.hpp>

#include "vision/CvInterop.h"

namespace siamese {

ImageQuality measureQuality(const Image& image) {
  ImageQuality q;
  if (image.empty()) return q;
  cv::Mat grey = detail::asMat(image);
  if (grey.channels() == 3) cv::cvtColor(grey, grey, cv::COLOR_BGR2GRAY);
  cv::Mat laplacian;
  cv::Laplacian(grey, laplacian, CV_64F);
  cv::Scalar mean, deviation;
  cv::meanStdDev(laplacian, mean, deviation);
  q.sharpness = deviation[0] * deviation[0];
  q.brightness = cv::mean(grey)[0];
  const double dark = cv::countNonZero(grey <= 5), bright = cv::countNonZero(grey >= 250);
  q.clipped = (dark + bright) / double(grey.total());
  return q;
}

}  // namespace siamese
