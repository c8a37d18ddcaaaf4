#pragma once
/// \file Drawing.h
/// Drawing helpers shared by the montage and the explanation sheet.

#include <opencv2/imgproc.hpp>
#include <string>

#include "common/Image.h"
#include "vision/CvInterop.h"

namespace siamese::detail {

const cv::Scalar kSheetBackground(40, 40, 40);
const cv::Scalar kGoodColour(60, 190, 60);
const cv::Scalar kBadColour(50, 50, 230);

/// `face` scaled to size×size, in BGR (a black square when empty).
inline cv::Mat faceTile(const Image& face, int size) {
  cv::Mat tile;
  if (face.empty()) return cv::Mat(size, size, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat source = asMat(face);
  if (source.channels() == 1) cv::cvtColor(source, source, cv::COLOR_GRAY2BGR);
  cv::resize(source, tile, cv::Size(size, size), 0, 0, source.cols > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  return tile;
}

/// `text` shortened with "..." until it fits `width` pixels at `scale`.
inline std::string fitText(std::string text, int width, double scale) {
  int baseline = 0;
  while (text.size() > 3 && cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width > width) {
    text = text.substr(0, text.size() - 4) + "...";
  }
  return text;
}

}  // namespace siamese::detail
