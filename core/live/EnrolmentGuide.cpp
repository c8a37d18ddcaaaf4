#include "live/EnrolmentGuide.h"

#include <cmath>
#include <cstdio>

#include "gallery/Enrolment.h"
#include "vision/ImageIO.h"
#include "vision/ImageQuality.h"

namespace siamese {
namespace {

std::string formatted(const char* format, double value) {
  char text[96];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

const char* headPoseName(HeadPose pose) {
  switch (pose) {
    case HeadPose::Frontal: return "frontal";
    case HeadPose::TurnedLeft: return "turned left";
    case HeadPose::TurnedRight: return "turned right";
  }
  return "?";
}

double yawOf(const FivePoints& p) {
  const double eyeMidX = (p[0].x + p[1].x) / 2.0;
  const double eyeDistance = std::hypot(double(p[1].x - p[0].x), double(p[1].y - p[0].y));
  return eyeDistance > 0 ? (double(p[2].x) - eyeMidX) / eyeDistance : 0.0;
}

EnrolmentGuide::EnrolmentGuide(Embedder& embedder, GuideOptions options)
    : m_options(options), m_encoder(embedder, [](PrepareOptions& o) {
        // Several faces are a finding of their own, not a choice to make;
        // and a small face is reported as small, not as missing.
        o.multiFace = MultiFacePolicy::Refuse;
        o.detector.minFaceSize = 30;
        o.retryWithBorder = false;
      }) {}

GuideVerdict EnrolmentGuide::check(const Image& frame, std::int64_t frameIndex) {
  GuideVerdict v;
  const EncodedPhoto encoded = m_encoder.encodePhoto(frame);
  const PreparedFace& prepared = encoded.prepared;
  v.faces = prepared.facesFound;
  if (prepared.facesFound == 0) {
    v.problem = "no face: look at the camera";
    return v;
  }
  if (prepared.facesFound > 1) {
    v.problem = std::to_string(prepared.facesFound) + " faces: only the person to enrol should be in view";
    return v;
  }
  if (!encoded.ok()) {
    v.problem = prepared.failure;
    return v;
  }
  v.faceWidth = int(prepared.box.width);
  const ImageQuality quality = measureQuality(prepared.face.crop);
  v.sharpness = quality.sharpness;
  v.brightness = quality.brightness;
  v.yaw = prepared.face.aligned ? yawOf(prepared.face.landmarks) : 0.0;
  if (v.faceWidth < m_options.minFaceWidth) {
    v.problem = "the face is too small (" + std::to_string(v.faceWidth) + " px wide, needs " +
                std::to_string(m_options.minFaceWidth) + "): come closer";
  } else if (!prepared.face.aligned) {
    v.problem = "the face's landmarks were not found: face the camera with nothing in front of the face";
  } else if (quality.sharpness < m_options.minSharpness) {
    v.problem = formatted("the face is blurred (sharpness %.0f", quality.sharpness) +
                formatted(", needs %.0f): hold still, or add light", m_options.minSharpness);
  } else if (quality.brightness < m_options.minBrightness) {
    v.problem = formatted("the face is too dark (brightness %.0f): add light in front of it", quality.brightness);
  } else if (quality.brightness > m_options.maxBrightness || quality.clipped > m_options.maxClipped) {
    v.problem = formatted("the face is overexposed (brightness %.0f): less light on it, or none behind", quality.brightness);
  } else if (std::abs(v.yaw) > m_options.maxYaw) {
    v.problem = "the head is turned too far: turn back towards the camera";
  } else if (std::abs(v.yaw) >= m_options.frontalYaw && std::abs(v.yaw) <= m_options.turnedYaw) {
    v.problem = "between poses: face the camera, or turn a little further";
  }
  if (!v.problem.empty()) return v;

  v.usable = true;
  v.pose = std::abs(v.yaw) < m_options.frontalYaw ? HeadPose::Frontal
           : v.yaw < 0                              ? HeadPose::TurnedLeft
                                                    : HeadPose::TurnedRight;
  // Sharper and larger is better; a frontal frame also the straighter.
  double score = std::sqrt(quality.sharpness) * double(v.faceWidth);
  if (*v.pose == HeadPose::Frontal) score *= 1.0 - std::abs(v.yaw);
  auto it = m_captures.find(*v.pose);
  if (it != m_captures.end() && it->second.score >= score) return v;
  GuideCapture capture;
  capture.photo = frame.clone();
  capture.crop = prepared.face.crop.clone();
  capture.aligned = prepared.face.aligned;
  capture.embedding = *encoded.embedding;
  capture.score = score;
  capture.frameIndex = frameIndex;
  capture.yaw = v.yaw;
  m_captures[*v.pose] = std::move(capture);
  v.accepted = true;
  return v;
}

std::vector<HeadPose> EnrolmentGuide::missing() const {
  std::vector<HeadPose> out;
  for (HeadPose pose : {HeadPose::Frontal, HeadPose::TurnedLeft, HeadPose::TurnedRight}) {
    if (!m_captures.count(pose)) out.push_back(pose);
  }
  return out;
}

std::string EnrolmentGuide::instruction() const {
  const auto todo = missing();
  if (todo.empty()) return "all three poses are in: enrol, or keep going for sharper frames";
  switch (todo.front()) {
    case HeadPose::Frontal: return "look straight at the camera";
    case HeadPose::TurnedLeft: return "turn your head a little, so that your nose points to the left of the picture";
    case HeadPose::TurnedRight: return "turn your head a little, so that your nose points to the right of the picture";
  }
  return "";
}

int EnrolmentGuide::enrol(GalleryStore& store, const std::string& name) const {
  GalleryStore::ChangeScope change(store);
  const std::int64_t personId = store.findOrAddPerson(name);
  int added = 0;
  for (const auto& [pose, capture] : m_captures) {
    const std::string source =
        std::string("guided enrolment, ") + headPoseName(pose) + ", frame " + std::to_string(capture.frameIndex);
    added += enrolEncodedFace(store, personId, encodeImage(capture.photo, ".jpg", source), source, capture.crop,
                              capture.aligned, m_encoder.model().modelId, capture.embedding)
                 .added();
  }
  change.commit();
  return added;
}

}  // namespace siamese
