#pragma once
/// \file LiveRecognizer.h
/// One frame in, named faces out: detection (every n-th frame, optionally
/// on a downscaled copy), tracking in between, landmark alignment of every
/// tracked face, one batched embedding call for all of them, open-set
/// matching against the gallery and a vote per track. Deterministic;
/// LiveSession runs it on its own thread. Detection may run on a second
/// core meanwhile (LiveOptions::detectInBackground): its faces then arrive
/// a fixed number of frames later, whatever the timing, so the results
/// stay the same from run to run.

#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gallery/FaceEncoder.h"
#include "gallery/Matcher.h"
#include "live/FaceTracker.h"
#include "live/FrameSource.h"
#include "live/NameVote.h"
#include "live/PresenceEvents.h"
#include "nn/Embedder.h"
#include "vision/FaceAligner.h"

namespace siamese {

struct LiveOptions {
  DetectorOptions detector;  ///< kind, smallest face, downscaling
  /// Run the detector on every n-th frame; track in between (1: every frame).
  int detectEvery = 1;
  /// The detector works on a frame on another thread while this one tracks,
  /// aligns and embeds the next detectEvery frames; its faces are taken up
  /// on the frame it is next due (a wait there if it is not done). Twice
  /// the frames on two cores when detection is the slow stage; new faces
  /// appear detectEvery frames later.
  bool detectInBackground = false;
  /// Embed a track whose name the vote has decided only every n-th frame
  /// (a face does not change identity between frames; the tower costs
  /// ~10 ms a face on a CPU core). New and undecided tracks are embedded
  /// every frame, so names come as fast as before. 1: every frame.
  int embedEvery = 3;
  TrackerOptions tracker;
  VoteOptions vote;
  /// A face whose nearest reference is this far or farther is unknown.
  double threshold = 0.5;
};

/// Milliseconds spent per stage on one frame.
struct StageTimings {
  double captureMs = 0;
  double detectMs = 0;  ///< with detection in the background: the wait for it
  double alignMs = 0;
  double embedMs = 0;
  double matchMs = 0;
  double totalMs = 0;  ///< processing (detect … match), not capture
};

/// Mean stage timings over the frames added (summaries and benchmarks).
class StageTimingMeans {
 public:
  void add(const StageTimings& timings);
  StageTimings mean() const;
  std::int64_t frames() const { return m_frames; }

 private:
  StageTimings m_sum;
  std::int64_t m_frames = 0;
};

struct LiveFace {
  int trackId = 0;
  FaceBox box;                 ///< frame coordinates
  bool detected = false;       ///< found by the detector this frame (else tracked)
  bool embedded = false;       ///< aligned and embedded this frame
  std::int64_t framePersonId = kUnknownPerson;  ///< this frame's own match
  std::int64_t nearestPersonId = kUnknownPerson;  ///< nearest enrolled person, however far
  double frameDistance = 0;    ///< to the nearest person this frame
  std::int64_t shownPersonId = kUndecidedPerson;  ///< after the vote
  std::string shownName;       ///< a name, "unknown", or "?" while undecided
  double shownDistance = 0;
  /// The track's latest crop and embedding (made this frame or an earlier
  /// one; empty before the first): enrolling a face from the live view
  /// stores these instead of detecting and embedding it again.
  Image crop;
  bool cropAligned = false;
  Embedding embedding;
  /// The track's recent votes per label (person id or kUnknownPerson),
  /// most first, out of `voteWindow`: why the shown name is shown.
  std::vector<std::pair<std::int64_t, int>> votes;
  int voteWindow = 0;
};

struct LiveFrameResult {
  std::string modelId;  ///< of the model that made the faces' embeddings
  std::int64_t frameIndex = 0;
  double timestamp = 0;
  bool detectionFrame = false;
  /// The detector's faces came from an earlier frame, found on a second core.
  bool detectionLate = false;
  std::vector<LiveFace> faces;
  StageTimings timings;
  std::vector<PresenceEvent> events;  ///< caused by this frame
};

class LiveRecognizer {
 public:
  /// throws Error when the model is not a face model or a detector or the
  /// landmark model cannot be loaded.
  LiveRecognizer(Embedder& embedder, GalleryIndex gallery, LiveOptions options);
  ~LiveRecognizer();

  LiveFrameResult process(const CapturedFrame& frame);
  /// The stream ended: every track leaves.
  std::vector<PresenceEvent> finish(double timestamp, std::int64_t frameIndex);

  /// Swaps in a changed gallery (someone was enrolled, a face corrected);
  /// thread-safe. Every track's name is voted on afresh from the next frame.
  void setGallery(GalleryIndex gallery);
  void setThreshold(double threshold);
  const LiveOptions& options() const { return m_options; }

 private:
  /// Per track: its vote, and where the detector's box sits relative to
  /// the landmarks (so tracked frames can place a detector-like box from
  /// the landmarks alone).
  struct TrackState {
    NameVote vote;
    bool hasBoxFromLandmarks = false;
    float offsetX = 0, offsetY = 0;  ///< box centre − landmark centroid, in landmark scales
    float widthRatio = 0, heightRatio = 0;  ///< box size in landmark scales
    std::int64_t lastEmbeddedFrame = -1;    ///< frame index, -1: never
    FivePoints landmarks;                    ///< the latest fitted, and on which frame (-1: none)
    std::int64_t landmarksFrame = -1;
    Image lastCrop;                          ///< what was embedded then, and its embedding
    bool lastCropAligned = false;
    Embedding lastEmbedding;
  };
  /// The crops of a frame to embed, and the face of the result each belongs to.
  struct FrameCrops {
    std::vector<Image> images;
    std::vector<std::size_t> faceOf;  ///< index into LiveFrameResult::faces
  };
  void detectOrPredict(const CapturedFrame& frame, LiveFrameResult& result);
  /// Faces found on this frame or, late, on the frame last marked.
  void takeDetections(const std::vector<FaceBox>& boxes, bool late, const CapturedFrame& frame,
                      LiveFrameResult& result);
  void waitForBackgroundDetection();
  FrameCrops cropTrackedFaces(const CapturedFrame& frame, LiveFrameResult& result);
  bool followLandmarks(const Track& track, const AlignedFace& aligned, std::int64_t frameIndex, TrackState& state,
                       LiveFace& face);
  void matchAndVote(const FrameCrops& crops, const std::vector<Embedding>& embeddings, LiveFrameResult& result);
  void showNames(const CapturedFrame& frame, LiveFrameResult& result);
  std::string nameOf(std::int64_t personId) const;

  LiveOptions m_options;
  std::unique_ptr<FaceDetector> m_detector;
  FaceEncoder m_encoder;  ///< cuts tracked faces out as the model expects, and embeds them
  FaceTracker m_tracker;
  PresenceLog m_presence;
  std::map<int, TrackState> m_trackStates;
  std::int64_t m_framesSinceDetection = 0;
  bool m_detectedOnce = false;
  /// The detector at work on another thread (detectInBackground), and
  /// whether it was given this frame (the tracks are marked once refined).
  std::future<std::vector<FaceBox>> m_backgroundDetection;
  bool m_detectionStartedThisFrame = false;
  std::int64_t m_backgroundFrame = -1;  ///< the frame the detector was given
  std::int64_t m_lateFrame = -1;        ///< the frame whose faces this frame took up late (-1: none)

  mutable std::mutex m_galleryMutex;
  std::atomic<bool> m_votesStale{false};  ///< set by setGallery, acted on by the next process()
  GalleryIndex m_gallery;
};

}  // namespace siamese
