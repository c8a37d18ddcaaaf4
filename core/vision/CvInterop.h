#pragma once
// Zero-copy views between siamese::Image and cv::Mat, for the libraries
// that link OpenCV (vision, prep, render, live). Not for front ends: they
// see Images only.

#include <opencv2/core.hpp>

#include "common/Image.h"

namespace siamese::detail {

/// A cv::Mat header over the image's pixels (no copy; shares the lifetime
/// of the caller's Image).
inline cv::Mat asMat(const Image& image) {
  if (image.empty()) return {};
  const int type = image.channels() == 1 ? CV_8UC1 : CV_8UC3;
  return cv::Mat(image.height(), image.width(), type, const_cast<std::uint8_t*>(image.data()),
                 image.stride());
}

/// An Image that keeps `mat` alive and points at its pixels (no copy).
/// requires: mat is CV_8UC1 or CV_8UC3.
inline Image fromMat(const cv::Mat& mat) {
  if (mat.empty()) return {};
  auto owner = std::make_shared<cv::Mat>(mat);
  return Image::wrap(mat.cols, mat.rows, mat.channels(), mat.step[0], owner->data, owner);
}

}  // namespace siamese::detail
