#include "render/Montage.h"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "render/detail/Drawing.h"

namespace siamese {
namespace {

const cv::Scalar kBackground = detail::kSheetBackground;
const cv::Scalar kSameColour(90, 200, 90);         // green-ish label text
const cv::Scalar kDifferentColour(230, 160, 60);   // blue-ish label text
const cv::Scalar kCorrect = detail::kGoodColour;
const cv::Scalar kWrong = detail::kBadColour;
constexpr int kCaptionHeight = 34;
constexpr int kGap = 6;
using detail::faceTile;
using detail::fitText;

}  // namespace

Image renderMontage(const std::vector<MontagePair>& pairs, const MontageOptions& options) {
  const int size = std::max(32, options.faceSize);
  const int cellWidth = 2 * size + kGap;
  const int cellHeight = size + kCaptionHeight + kGap;
  const int count = std::min<int>(int(pairs.size()), options.columns * options.rows);
  const int rows = std::max(1, (count + options.columns - 1) / options.columns);
  cv::Mat canvas(rows * cellHeight + kGap, options.columns * cellWidth + kGap, CV_8UC3, kBackground);

  for (int i = 0; i < count; ++i) {
    const MontagePair& pair = pairs[std::size_t(i)];
    const int x = kGap + (i % options.columns) * cellWidth;
    const int y = kGap + (i / options.columns) * cellHeight;
    faceTile(pair.a, size).copyTo(canvas(cv::Rect(x, y, size, size)));
    faceTile(pair.b, size).copyTo(canvas(cv::Rect(x + size, y, size, size)));

    std::string label = pair.same ? "same" : "different";
    cv::Scalar labelColour = pair.same ? kSameColour : kDifferentColour;
    if (pair.distance && options.threshold) {
      const bool saysSame = *pair.distance < *options.threshold;
      const bool right = saysSame == pair.same;
      char text[64];
      std::snprintf(text, sizeof text, "%s d=%.2f %s", pair.same ? "same" : "diff", *pair.distance,
                    right ? "ok" : "WRONG");
      label = text;
      cv::rectangle(canvas, cv::Rect(x - 2, y - 2, 2 * size + 4, size + kCaptionHeight),
                    right ? kCorrect : kWrong, 2);
    } else if (pair.distance) {
      char text[64];
      std::snprintf(text, sizeof text, "%s d=%.2f", label.c_str(), *pair.distance);
      label = text;
    }
    const double scale = size >= 80 ? 0.45 : 0.35;
    cv::putText(canvas, fitText(label, 2 * size - 4, scale), cv::Point(x + 2, y + size + 14),
                cv::FONT_HERSHEY_SIMPLEX, scale, labelColour, 1, cv::LINE_AA);
    if (!pair.caption.empty()) {
      cv::putText(canvas, fitText(pair.caption, 2 * size - 4, 0.35), cv::Point(x + 2, y + size + 29),
                  cv::FONT_HERSHEY_SIMPLEX, 0.35, cv::Scalar(200, 200, 200), 1, cv::LINE_AA);
    }
  }
  return detail::fromMat(canvas);
}

}  // namespace siamese
