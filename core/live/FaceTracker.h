#pragma once
/// \file FaceTracker.h
/// Keeps an identity on each face from frame to frame. Detection is the
/// slow stage of the live pipeline, so it may run only every n-th frame;
/// in between, tracks move by their measured velocity and the recogniser
/// refines them from the face's landmarks. Detections are associated with
/// tracks greedily by overlap (IoU), best overlap first. Detections may
/// also arrive late (the detector ran on a second core while later frames
/// were tracked): they are matched against where each track was on the
/// frame the detector saw. Pure logic, no images: tests drive it with
/// scripted boxes.

#include <vector>

#include "vision/FaceDetector.h"

namespace siamese {

/// Intersection over union of two boxes (0 when they do not overlap).
float intersectionOverUnion(const FaceBox& a, const FaceBox& b);

struct TrackerOptions {
  /// A detection continues a track when it overlaps the track's predicted
  /// box at least this much.
  float minOverlap = 0.3f;
  /// A track that no detection confirms for more than this many detection
  /// rounds in a row has left (short gaps, e.g. one missed detection, are
  /// bridged).
  int maxMissedDetections = 2;
  /// Weight of the newest measurement in the velocity estimate (0..1];
  /// smaller is smoother.
  float velocitySmoothing = 0.5f;
};

struct Track {
  int id = 0;
  FaceBox box;          ///< current estimate, frame coordinates
  float velocityX = 0;  ///< px per frame, of the box centre
  float velocityY = 0;
  int framesSinceDetection = 0;
  int framesSinceMeasurement = 0;  ///< detection or landmark refinement
  int missedDetections = 0;  ///< detection rounds in a row without a match
  int age = 0;               ///< frames since the track started
  /// Where the track was on the frame last marked for detection (markFrame()).
  FaceBox boxOnMarkedFrame;
  /// The detector's latest box for this face, where it was on the frame
  /// the detector saw (late detections: not where the face is now).
  FaceBox detectedBox;
};

/// What one detection round changed.
struct TrackUpdate {
  std::vector<int> started;   ///< ids of new tracks
  std::vector<Track> ended;   ///< tracks that left (last state)
};

class FaceTracker {
 public:
  explicit FaceTracker(TrackerOptions options = {});

  /// A frame with detections: continues, starts and ends tracks. Call
  /// predict() first for this frame, so tracks are compared where they are
  /// expected now.
  TrackUpdate update(const std::vector<FaceBox>& detections);
  /// The detector starts on this frame but its faces will come frames
  /// later: remembers where every track is now.
  void markFrame();
  /// The faces found on the frame last marked, arriving now: each is
  /// matched against where the tracks were then. A matched track takes the
  /// detection carried forward by its velocity (the velocity corrected
  /// first when nothing measured the track since). Unmatched detections
  /// start tracks where the detector saw them.
  TrackUpdate updateFromMarkedFrame(const std::vector<FaceBox>& detections);
  /// A frame without detection: every track moves by its velocity.
  void predict();
  /// Replaces a track's box with a better estimate for this frame (from
  /// landmarks); updates its velocity. Unknown ids are ignored.
  void refine(int trackId, const FaceBox& box);
  /// Ends every track (the stream ended); returns them.
  std::vector<Track> endAll();

  const std::vector<Track>& tracks() const { return m_tracks; }

 private:
  void correct(Track& track, const FaceBox& measured);
  /// A measurement made on the marked frame, frames ago.
  void correctLate(Track& track, const FaceBox& measured);

  TrackerOptions m_options;
  std::vector<Track> m_tracks;
  int m_nextId = 1;
  int m_framesSinceMark = 0;  ///< predict() calls since markFrame()
};

}  // namespace siamese
