#include "live/FaceTracker.h"

#include <algorithm>
#include <tuple>

namespace siamese {

float intersectionOverUnion(const FaceBox& a, const FaceBox& b) {
  const float left = std::max(a.x, b.x);
  const float top = std::max(a.y, b.y);
  const float right = std::min(a.x + a.width, b.x + b.width);
  const float bottom = std::min(a.y + a.height, b.y + b.height);
  if (right <= left || bottom <= top) return 0.0f;
  const float overlap = (right - left) * (bottom - top);
  return overlap / (a.area() + b.area() - overlap);
}

FaceTracker::FaceTracker(TrackerOptions options) : m_options(options) {}

void FaceTracker::correct(Track& track, const FaceBox& measured) {
  // An alpha-beta filter on the box centre: the box jumps to the
  // measurement, and the velocity moves part of the way towards what the
  // prediction error says it should have been (detections jitter by a few
  // pixels, so trusting each one fully would make the prediction shake).
  const float frames = float(std::max(1, track.framesSinceMeasurement));
  const float w = m_options.velocitySmoothing;
  track.velocityX += w * (measured.centerX() - track.box.centerX()) / frames;
  track.velocityY += w * (measured.centerY() - track.box.centerY()) / frames;
  track.box = measured;
  track.framesSinceMeasurement = 0;
}

void FaceTracker::correctLate(Track& track, const FaceBox& measured) {
  // The filter run on the detector's frame, then carried to this one with
  // the velocity (the live recogniser then places the box better, from the
  // landmarks of both frames). The velocity learns from
  // the error on the detector's frame only when nothing measured the track
  // between the measurement before that frame and now: the error built up
  // over the frames before it (none: measured on that very frame, and the
  // difference is not motion; taken as built up over fewer, it made boxes
  // swing).
  const FaceBox& then = track.boxOnMarkedFrame;
  // A newer measurement since the detector's frame makes this negative.
  const int framesBefore = track.framesSinceMeasurement - m_framesSinceMark;
  if (framesBefore > 0) {
    const float w = m_options.velocitySmoothing;
    track.velocityX += w * (measured.centerX() - then.centerX()) / float(framesBefore);
    track.velocityY += w * (measured.centerY() - then.centerY()) / float(framesBefore);
  }
  track.box = measured;
  track.box.x += track.velocityX * float(m_framesSinceMark);
  track.box.y += track.velocityY * float(m_framesSinceMark);
  track.framesSinceMeasurement = 0;
}

TrackUpdate FaceTracker::update(const std::vector<FaceBox>& detections) {
  markFrame();
  return updateFromMarkedFrame(detections);
}

void FaceTracker::markFrame() {
  for (Track& track : m_tracks) track.boxOnMarkedFrame = track.box;
  m_framesSinceMark = 0;
}

TrackUpdate FaceTracker::updateFromMarkedFrame(const std::vector<FaceBox>& detections) {
  // Every (track, detection) pair that overlaps enough, best overlap first.
  std::vector<std::tuple<float, std::size_t, std::size_t>> candidates;
  for (std::size_t t = 0; t < m_tracks.size(); ++t) {
    for (std::size_t d = 0; d < detections.size(); ++d) {
      const float iou = intersectionOverUnion(m_tracks[t].boxOnMarkedFrame, detections[d]);
      if (iou >= m_options.minOverlap) candidates.emplace_back(iou, t, d);
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });

  std::vector<bool> trackTaken(m_tracks.size(), false);
  std::vector<bool> detectionTaken(detections.size(), false);
  for (const auto& [iou, t, d] : candidates) {
    if (trackTaken[t] || detectionTaken[d]) continue;
    trackTaken[t] = detectionTaken[d] = true;
    Track& track = m_tracks[t];
    if (m_framesSinceMark == 0) {
      correct(track, detections[d]);  // found on this very frame
    } else {
      correctLate(track, detections[d]);
    }
    track.detectedBox = detections[d];
    track.framesSinceDetection = 0;
    track.missedDetections = 0;
  }

  TrackUpdate update;
  std::vector<Track> kept;
  for (std::size_t t = 0; t < m_tracks.size(); ++t) {
    Track& track = m_tracks[t];
    if (!trackTaken[t]) ++track.missedDetections;
    if (track.missedDetections > m_options.maxMissedDetections) {
      update.ended.push_back(track);
    } else {
      kept.push_back(track);
    }
  }
  m_tracks = std::move(kept);
  for (std::size_t d = 0; d < detections.size(); ++d) {
    if (detectionTaken[d]) continue;
    Track track;
    track.id = m_nextId++;
    track.box = detections[d];
    track.boxOnMarkedFrame = detections[d];
    track.detectedBox = detections[d];
    // Seen where the detector saw it, that many frames ago: the landmarks'
    // first correction is spread over those frames.
    track.framesSinceMeasurement = m_framesSinceMark;
    m_tracks.push_back(track);
    update.started.push_back(track.id);
  }
  for (Track& track : m_tracks) ++track.age;
  return update;
}

void FaceTracker::predict() {
  ++m_framesSinceMark;
  for (Track& track : m_tracks) {
    track.box.x += track.velocityX;
    track.box.y += track.velocityY;
    ++track.framesSinceDetection;
    ++track.framesSinceMeasurement;
    ++track.age;
  }
}

void FaceTracker::refine(int trackId, const FaceBox& box) {
  for (Track& track : m_tracks) {
    if (track.id == trackId) correct(track, box);
  }
}

std::vector<Track> FaceTracker::endAll() {
  std::vector<Track> ended = std::move(m_tracks);
  m_tracks.clear();
  return ended;
}

}  // namespace siamese
