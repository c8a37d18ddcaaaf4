#include "vision/FaceAligner.h"

#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/opencv/to_open_cv.h>

#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "common/Error.h"
#include "vision/CvInterop.h"
#include "vision/detail/LandmarkCascade.h"

#ifndef SIAMESE_DLIB_DATA_DIR
#define SIAMESE_DLIB_DATA_DIR "/usr/share/dlib"
#endif

namespace siamese {
namespace {

// The five points of a frontal face in a unit square, eyes to mouth corners:
// the widely used 112×112 face-recognition template divided by 112.
constexpr FivePoints kUnitTemplate = {{{0.3419f, 0.4616f},
                                       {0.6565f, 0.4598f},
                                       {0.5002f, 0.6405f},
                                       {0.3710f, 0.8247f},
                                       {0.6315f, 0.8232f}}};

// dlib 68-point indices: 36-41 one eye, 42-47 the other, 30 nose tip,
// 48 and 54 mouth corners.
FivePoints fivePointsFrom(const dlib::full_object_detection& shape) {
  auto mean = [&](int first, int last) {
    Point2f p;
    for (int i = first; i <= last; ++i) {
      p.x += float(shape.part(i).x());
      p.y += float(shape.part(i).y());
    }
    const float n = float(last - first + 1);
    return Point2f{p.x / n, p.y / n};
  };
  auto at = [&](int i) { return Point2f{float(shape.part(i).x()), float(shape.part(i).y())}; };
  return {mean(36, 41), mean(42, 47), at(30), at(48), at(54)};
}

float distance(const Point2f& a, const Point2f& b) { return std::hypot(a.x - b.x, a.y - b.y); }

cv::Mat finishCrop(const cv::Mat& warped, bool colour) {
  cv::Mat out;
  if (colour && warped.channels() == 1) {
    cv::cvtColor(warped, out, cv::COLOR_GRAY2BGR);
  } else if (!colour && warped.channels() == 3) {
    cv::cvtColor(warped, out, cv::COLOR_BGR2GRAY);
  } else {
    out = warped;
  }
  return out;
}

}  // namespace

AlignMethod parseAlignMethod(const std::string& name) {
  if (name == "template") return AlignMethod::Template;
  if (name == "dlib-chip") return AlignMethod::DlibChip;
  throw Error("unknown alignment '" + name + "' (choose template or dlib-chip)");
}

std::string alignMethodName(AlignMethod method) {
  return method == AlignMethod::DlibChip ? "dlib-chip" : "template";
}

struct FaceAligner::Model {
  explicit Model(const std::string& path) : landmarks(path) {}
  detail::LandmarkCascade landmarks;
};

std::string defaultLandmarkModelPath() {
  return std::string(SIAMESE_DLIB_DATA_DIR) + "/shape_predictor_68_face_landmarks.dat";
}

std::array<double, 6> estimateSimilarity(const FivePoints& from, const FivePoints& to) {
  // Closed-form least squares (Umeyama without reflection) in 2-D.
  double mfx = 0, mfy = 0, mtx = 0, mty = 0;
  for (std::size_t i = 0; i < from.size(); ++i) {
    mfx += from[i].x; mfy += from[i].y; mtx += to[i].x; mty += to[i].y;
  }
  const double n = double(from.size());
  mfx /= n; mfy /= n; mtx /= n; mty /= n;
  double dot = 0, cross = 0, norm = 0;
  for (std::size_t i = 0; i < from.size(); ++i) {
    const double fx = from[i].x - mfx, fy = from[i].y - mfy;
    const double tx = to[i].x - mtx, ty = to[i].y - mty;
    dot += fx * tx + fy * ty;
    cross += fx * ty - fy * tx;
    norm += fx * fx + fy * fy;
  }
  if (norm <= 0) return {1, 0, mtx - mfx, 0, 1, mty - mfy};
  const double a = dot / norm;   // scale * cos(angle)
  const double b = cross / norm; // scale * sin(angle)
  return {a, -b, mtx - (a * mfx - b * mfy), b, a, mty - (b * mfx + a * mfy)};
}

FaceAligner::FaceAligner(AlignOptions options) : m_options(std::move(options)) {
  if (m_options.cropSize < 16 || m_options.cropSize > 1024) {
    throw Error("crop size must be between 16 and 1024 px (got " + std::to_string(m_options.cropSize) + ")");
  }
  if (m_options.landmarkModelPath.empty()) m_options.landmarkModelPath = defaultLandmarkModelPath();
  const std::string& path = m_options.landmarkModelPath;
  if (!std::filesystem::exists(path)) {
    throw Error("landmark model not found: " + path + " (install the libdlib-data package)");
  }
  std::shared_ptr<Model> model;
  try {
    model = std::make_shared<Model>(path);
  } catch (const std::exception& e) {
    throw Error("not a dlib landmark model, or the file is truncated: " + path + " (" + e.what() + ")");
  }
  if (model->landmarks.numParts() != 68) {
    throw Error("landmark model " + path + " has " + std::to_string(model->landmarks.numParts()) +
                " points; the 68-point model is needed");
  }
  m_model = std::move(model);
}

FaceAligner::~FaceAligner() = default;
FaceAligner::FaceAligner(const FaceAligner&) = default;
FaceAligner& FaceAligner::operator=(const FaceAligner&) = default;

FivePoints FaceAligner::templatePoints() const {
  FivePoints points;
  const float pad = m_options.padding;
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i].x = (kUnitTemplate[i].x + pad) / (1 + 2 * pad) * float(m_options.cropSize);
    points[i].y = (kUnitTemplate[i].y + pad) / (1 + 2 * pad) * float(m_options.cropSize);
  }
  return points;
}

AlignedFace FaceAligner::align(const Image& image, const FaceBox& box) const {
  const cv::Mat source = detail::asMat(image);
  const dlib::rectangle rect(long(std::lround(box.x)), long(std::lround(box.y)),
                             long(std::lround(box.x + box.width)) - 1,
                             long(std::lround(box.y + box.height)) - 1);
  const dlib::full_object_detection shape = m_model->landmarks.fit(source, rect);
  const FivePoints points = fivePointsFrom(shape);
  if (m_options.method == AlignMethod::DlibChip) return dlibChip(source, shape, points);
  const FivePoints target = templatePoints();
  const auto m = estimateSimilarity(points, target);

  // Reject landmark fits that cannot be a face: eyes too close or too far
  // apart for the box, a face rotated past 60 degrees, or points that the
  // similarity transform cannot bring near the template.
  const float eyeDistance = distance(points[0], points[1]);
  const float eyeRatio = eyeDistance / std::max(1.0f, box.width);
  const double angle = std::atan2(m[3], m[0]);
  double residual = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double x = m[0] * points[i].x + m[1] * points[i].y + m[2];
    const double y = m[3] * points[i].x + m[4] * points[i].y + m[5];
    residual += (x - target[i].x) * (x - target[i].x) + (y - target[i].y) * (y - target[i].y);
  }
  const double rms = std::sqrt(residual / points.size()) / distance(target[0], target[1]);
  const bool plausible = eyeRatio > 0.15f && eyeRatio < 0.8f && std::abs(angle) < 1.05 && rms < 0.25;
  if (!plausible) return cropBox(image, box);

  const cv::Mat transform = (cv::Mat_<double>(2, 3) << m[0], m[1], m[2], m[3], m[4], m[5]);
  cv::Mat warped;
  cv::warpAffine(source, warped, transform, cv::Size(m_options.cropSize, m_options.cropSize),
                 cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  AlignedFace face;
  face.crop = detail::fromMat(finishCrop(warped, m_options.colour));
  face.aligned = true;
  face.landmarks = points;
  return face;
}

AlignedFace FaceAligner::dlibChip(const cv::Mat& source, const dlib::full_object_detection& shape,
                                  const FivePoints& points) const {
  // Exactly dlib's recipe (dnn_face_recognition_ex): the chip is defined by
  // all 68 landmarks, so it is dlib's to compute, not a template's.
  const dlib::chip_details details =
      dlib::get_face_chip_details(shape, unsigned(m_options.cropSize), double(m_options.padding));
  cv::Mat chip;
  if (source.channels() == 1) {
    dlib::matrix<unsigned char> grey;
    dlib::extract_image_chip(dlib::cv_image<unsigned char>(source), details, grey);
    chip = dlib::toMat(grey).clone();
  } else {
    dlib::matrix<dlib::bgr_pixel> colour;
    dlib::extract_image_chip(dlib::cv_image<dlib::bgr_pixel>(source), details, colour);
    chip = dlib::toMat(colour).clone();
  }
  AlignedFace face;
  face.crop = detail::fromMat(finishCrop(chip, m_options.colour));
  face.aligned = true;
  face.landmarks = points;
  return face;
}

AlignedFace FaceAligner::cropBox(const Image& image, const FaceBox& box) const {
  const float side = std::max(box.width, box.height) * (1 + 2 * m_options.fallbackMargin);
  const float scale = float(m_options.cropSize) / std::max(1.0f, side);
  const float left = box.centerX() - side / 2;
  const float top = box.centerY() - side / 2;
  const cv::Mat transform = (cv::Mat_<double>(2, 3) << scale, 0, -left * scale, 0, scale, -top * scale);
  cv::Mat warped;
  cv::warpAffine(detail::asMat(image), warped, transform,
                 cv::Size(m_options.cropSize, m_options.cropSize),
                 scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  AlignedFace face;
  face.crop = detail::fromMat(finishCrop(warped, m_options.colour));
  face.aligned = false;
  return face;
}

}  // namespace siamese
