#include "live/SyntheticScene.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <random>

#include "vision/CvInterop.h"

namespace siamese {
namespace {

// A room-like background: a soft gradient and a few muted blocks, so the
// detector has edges to reject rather than a flat wall.
cv::Mat makeBackground(int width, int height, unsigned seed) {
  cv::Mat background(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    const double t = double(y) / std::max(1, height - 1);
    background.row(y).setTo(cv::Scalar(150 - 60 * t, 140 - 40 * t, 120 - 20 * t));
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> x(0, width), y(0, height), shade(40, 200);
  for (int i = 0; i < 12; ++i) {
    const cv::Point a(x(rng), y(rng)), b(x(rng), y(rng));
    cv::rectangle(background, a, b, cv::Scalar(shade(rng), shade(rng), shade(rng)), cv::FILLED);
  }
  cv::GaussianBlur(background, background, cv::Size(0, 0), 3.0);
  return background;
}

// The central part of a portrait (LFW's 250×250 photos have the face in the
// middle ~110 px): a square of 80% of the shorter side, so the face and
// the context an aligned crop takes around it are the photo's own pixels.
cv::Mat centralPatch(const Image& photo) {
  cv::Mat mat = detail::asMat(photo);
  if (mat.channels() == 1) cv::cvtColor(mat, mat, cv::COLOR_GRAY2BGR);
  const int side = int(0.8 * std::min(mat.cols, mat.rows));
  return mat(cv::Rect((mat.cols - side) / 2, (mat.rows - side) / 2, side, side)).clone();
}

}  // namespace

SyntheticScene::SyntheticScene(int width, int height, std::vector<SceneActor> actors, unsigned seed)
    : m_width(width), m_height(height), m_actors(std::move(actors)), m_seed(seed) {
  m_background = detail::fromMat(makeBackground(width, height, seed));
  for (const SceneActor& actor : m_actors) m_patches.push_back(detail::fromMat(centralPatch(actor.photo)));
}

bool SyntheticScene::visible(std::size_t actor, int frame) const {
  return frame >= m_actors[actor].firstFrame && frame <= m_actors[actor].lastFrame;
}

FaceBox SyntheticScene::patchBox(std::size_t actor, int frame) const {
  const SceneActor& a = m_actors[actor];
  const float span = float(std::max(1, a.lastFrame - a.firstFrame));
  const float t = std::clamp(float(frame - a.firstFrame) / span, 0.0f, 1.0f);
  FaceBox box;
  box.width = box.height = a.size;
  box.x = a.fromX + t * (a.toX - a.fromX) - a.size / 2;
  box.y = a.fromY + t * (a.toY - a.fromY) - a.size / 2;
  return box;
}

Image SyntheticScene::render(int frame) const {
  cv::Mat canvas = detail::asMat(m_background).clone();
  const cv::Rect bounds(0, 0, m_width, m_height);
  for (std::size_t i = 0; i < m_actors.size(); ++i) {
    if (!visible(i, frame)) continue;
    const FaceBox box = patchBox(i, frame);
    const int side = std::max(8, int(box.width));
    cv::Mat patch;
    cv::resize(detail::asMat(m_patches[i]), patch, cv::Size(side, side), 0, 0, cv::INTER_AREA);
    // A feathered ellipse, so the patch's square edge is not a second "face".
    cv::Mat mask(side, side, CV_32FC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(side / 2, side / 2), cv::Size(side * 45 / 100, side / 2), 0, 0, 360, cv::Scalar(1),
                cv::FILLED);
    cv::GaussianBlur(mask, mask, cv::Size(0, 0), side / 20.0);
    const cv::Rect where(int(box.x), int(box.y), side, side);
    const cv::Rect visiblePart = where & bounds;
    if (visiblePart.empty()) continue;
    const cv::Rect inPatch(visiblePart.x - where.x, visiblePart.y - where.y, visiblePart.width, visiblePart.height);
    cv::Mat target = canvas(visiblePart);
    cv::Mat source = patch(inPatch), alpha = mask(inPatch);
    for (int y = 0; y < target.rows; ++y) {
      auto* out = target.ptr<cv::Vec3b>(y);
      const auto* in = source.ptr<cv::Vec3b>(y);
      const auto* a = alpha.ptr<float>(y);
      for (int x = 0; x < target.cols; ++x) {
        for (int c = 0; c < 3; ++c) out[x][c] = cv::saturate_cast<uchar>(a[x] * in[x][c] + (1 - a[x]) * out[x][c]);
      }
    }
  }
  // A little sensor noise, different in every frame, as a camera gives.
  cv::Mat noise(canvas.size(), CV_16SC3);
  cv::RNG rng(std::uint64_t(m_seed) * 7919u + std::uint64_t(frame));
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  cv::Mat noisy;
  cv::add(canvas, noise, noisy, cv::noArray(), CV_8UC3);
  return detail::fromMat(noisy);
}

}  // namespace siamese
