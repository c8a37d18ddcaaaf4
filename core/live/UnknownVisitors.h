#pragma once
/// \file UnknownVisitors.h
/// Faces that stay unknown during a live session, proposed as people. Each
/// track that is never named keeps its best few shots (largest and
/// sharpest faces, with their crops and embeddings); at any time the tracks
/// with enough unknown looks are clustered across the session (average
/// linkage, merged while below the model's threshold), so one stranger who
/// leaves and comes back is one proposal. A proposal can then be enrolled
/// under a name from its shots, or discarded.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/Image.h"
#include "gallery/Matcher.h"
#include "live/LiveRecognizer.h"

namespace siamese {

struct VisitorShot {
  Image photo;          ///< the face with room around it (BGR), to enrol or re-embed
  Image crop;           ///< what the model embedded
  bool cropAligned = false;
  Embedding embedding;
  double quality = 0;   ///< face width × √sharpness: larger and sharper is better
  int trackId = 0;
  std::int64_t frameIndex = 0;
  double timestamp = 0;
};

struct VisitorCluster {
  int id = 0;                  ///< 1, 2, … in order of first appearance
  std::vector<int> trackIds;
  std::vector<VisitorShot> shots;  ///< the best of its tracks' shots, best first
  int looks = 0;               ///< unknown looks over its tracks
  double firstSeen = 0, lastSeen = 0;  ///< seconds into the session
};

struct VisitorOptions {
  int shotsPerTrack = 3;
  int shotsPerCluster = 6;
  int minUnknownLooks = 4;  ///< fewer looks: a passing glimpse, not proposed
};

class UnknownVisitors {
 public:
  UnknownVisitors(DistanceFn distance, double threshold, VisitorOptions options = {});

  /// Takes this frame's unknown faces; `frame` is the picture before
  /// anything is drawn on it.
  void observe(const Image& frame, const LiveFrameResult& result);
  /// The proposals so far, in order of first appearance.
  std::vector<VisitorCluster> clusters() const;
  /// Forgets the tracks of a proposal (enrolled or discarded).
  void forget(const VisitorCluster& cluster);
  void setThreshold(double threshold) { m_threshold = threshold; }

 private:
  struct TrackShots {
    std::vector<VisitorShot> shots;  ///< best first
    int unknownLooks = 0;
    bool named = false;              ///< shown under a name at some point: not a stranger
    double firstSeen = 0, lastSeen = 0;
  };
  DistanceFn m_distance;
  double m_threshold;
  VisitorOptions m_options;
  std::map<int, TrackShots> m_tracks;
};

/// Writes `clusters` under `folder`: visitor-N/shot-K.png (the face with
/// room around it) and visitors.json describing them; owner-only files.
/// throws FileError naming what could not be written.
void writeVisitors(const std::string& folder, const std::vector<VisitorCluster>& clusters, double threshold);

}  // namespace siamese
