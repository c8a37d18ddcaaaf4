#include "live/FrameAnnotator.h"

#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "vision/CvInterop.h"

namespace siamese {
namespace {

cv::Scalar colourOf(const LiveFace& face) {
  if (face.shownPersonId == kUndecidedPerson) return {0, 190, 255};  // amber
  if (face.shownPersonId == kUnknownPerson) return {60, 60, 230};    // red
  return {80, 200, 80};                                             // green
}

// Text on a filled band so it stays readable on any background.
void label(cv::Mat& canvas, const std::string& text, cv::Point origin, const cv::Scalar& band, double scale) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  origin.y = std::max(origin.y, size.height + 4);
  cv::rectangle(canvas, {origin.x, origin.y - size.height - 4}, {origin.x + size.width + 4, origin.y + baseline},
                band, cv::FILLED);
  cv::putText(canvas, text, {origin.x + 2, origin.y - 2}, cv::FONT_HERSHEY_SIMPLEX, scale, {255, 255, 255}, 1,
              cv::LINE_AA);
}

}  // namespace

void annotateFrame(Image& frame, const LiveFrameResult& result, const AnnotateOptions& options) {
  cv::Mat canvas = detail::asMat(frame);
  const double scale = std::max(0.4, frame.width() / 1600.0);
  for (const LiveFace& face : result.faces) {
    const cv::Scalar colour = colourOf(face);
    const cv::Rect box(int(face.box.x), int(face.box.y), int(face.box.width), int(face.box.height));
    cv::rectangle(canvas, box, colour, face.detected ? 2 : 1, cv::LINE_AA);
    char text[160];
    if (face.shownPersonId == kUndecidedPerson) {
      std::snprintf(text, sizeof text, "? #%d", face.trackId);
    } else {
      std::snprintf(text, sizeof text, "%s %.2f #%d", face.shownName.c_str(), face.shownDistance, face.trackId);
    }
    label(canvas, text, {box.x, box.y - 2}, colour, scale);
  }
  if (options.showTimings) {
    const StageTimings& t = result.timings;
    char fps[32] = "";
    if (options.framesPerSecond > 0) std::snprintf(fps, sizeof fps, "%.1f fps  ", options.framesPerSecond);
    char text[200];
    std::snprintf(text, sizeof text, "%sdetect %.1f  align %.1f  embed %.1f  match %.1f ms", fps, t.detectMs,
                  t.alignMs, t.embedMs, t.matchMs);
    label(canvas, text, {4, frame.height() - 4}, {40, 40, 40}, scale);
  }
}

}  // namespace siamese
