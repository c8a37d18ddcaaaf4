#include "live/LiveRecognizer.h"

#include <chrono>
#include <cmath>

#include "common/Error.h"
#include "gallery/Enrolment.h"
#include "gallery/JointAssignment.h"

namespace siamese {

static_assert(kNobody == kUnknownPerson, "joint assignment and the vote must mean the same by 'nobody'");

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// `embedder`, once it is known to be a face model.
Embedder& requireFaceModel(Embedder& embedder) {
  const BundleMetadata& model = embedder.metadata();
  if (!model.input.alignedFaces) {
    throw Error("model " + model.modelId + " was not trained on face photos; live identification needs a face model");
  }
  return embedder;
}

// Centroid and size of the five alignment points: where the face is, and
// how big, independent of the box that seeded the landmark search.
struct LandmarkFrame {
  float x = 0, y = 0, scale = 0;
};

LandmarkFrame landmarkFrame(const FivePoints& points) {
  LandmarkFrame frame;
  for (const Point2f& p : points) {
    frame.x += p.x / float(points.size());
    frame.y += p.y / float(points.size());
  }
  for (const Point2f& p : points) frame.scale += std::hypot(p.x - frame.x, p.y - frame.y) / float(points.size());
  return frame;
}

}  // namespace

void StageTimingMeans::add(const StageTimings& t) {
  m_sum.captureMs += t.captureMs;
  m_sum.detectMs += t.detectMs;
  m_sum.alignMs += t.alignMs;
  m_sum.embedMs += t.embedMs;
  m_sum.matchMs += t.matchMs;
  m_sum.totalMs += t.totalMs;
  ++m_frames;
}

StageTimings StageTimingMeans::mean() const {
  if (m_frames == 0) return {};
  const double n = double(m_frames);
  return StageTimings{m_sum.captureMs / n, m_sum.detectMs / n, m_sum.alignMs / n,
                      m_sum.embedMs / n,   m_sum.matchMs / n,  m_sum.totalMs / n};
}

LiveRecognizer::LiveRecognizer(Embedder& embedder, GalleryIndex gallery, LiveOptions options)
    : m_options(std::move(options)),
      m_detector(createFaceDetector(m_options.detector)),
      m_encoder(requireFaceModel(embedder)),
      m_tracker(m_options.tracker),
      m_gallery(std::move(gallery)) {
  if (m_options.detectEvery < 1) m_options.detectEvery = 1;
  if (m_options.embedEvery < 1) m_options.embedEvery = 1;
}

LiveRecognizer::~LiveRecognizer() { waitForBackgroundDetection(); }

void LiveRecognizer::waitForBackgroundDetection() {
  if (!m_backgroundDetection.valid()) return;
  m_backgroundDetection.wait();
  m_backgroundDetection = {};
}

void LiveRecognizer::setGallery(GalleryIndex gallery) {
  std::lock_guard<std::mutex> lock(m_galleryMutex);
  m_gallery = std::move(gallery);
  m_votesStale = true;
}

void LiveRecognizer::setThreshold(double threshold) {
  std::lock_guard<std::mutex> lock(m_galleryMutex);
  m_options.threshold = threshold;
}

std::string LiveRecognizer::nameOf(std::int64_t personId) const {
  if (personId == kUnknownPerson) return "unknown";
  if (personId == kUndecidedPerson) return "?";
  std::lock_guard<std::mutex> lock(m_galleryMutex);
  const auto it = m_gallery.names.find(personId);
  return it != m_gallery.names.end() ? it->second : "person " + std::to_string(personId);
}

LiveFrameResult LiveRecognizer::process(const CapturedFrame& frame) {
  const auto start = Clock::now();
  LiveFrameResult result;
  result.modelId = m_encoder.model().modelId;
  result.frameIndex = frame.index;
  if (m_votesStale.exchange(false)) {
    // Votes cast against the old gallery (a person since corrected,
    // renamed or removed) must not keep a name on screen: decide again.
    for (auto& [id, state] : m_trackStates) state.vote = NameVote(m_options.vote);
  }
  result.timestamp = frame.timestamp;
  result.timings.captureMs = frame.captureMs;

  detectOrPredict(frame, result);
  const auto alignStart = Clock::now();
  FrameCrops crops = cropTrackedFaces(frame, result);
  result.timings.alignMs = millisecondsSince(alignStart);

  // One batched embedding call for every face of the frame.
  std::vector<Embedding> embeddings;
  if (!crops.images.empty()) {
    const auto t = Clock::now();
    embeddings = m_encoder.embed(crops.images);
    result.timings.embedMs = millisecondsSince(t);
  }

  const auto matchStart = Clock::now();
  matchAndVote(crops, embeddings, result);
  showNames(frame, result);
  // Where the tracks are on the frame the detector was given, now that the
  // landmarks have placed them: its faces will be matched against these.
  if (m_detectionStartedThisFrame) m_tracker.markFrame();
  m_detectionStartedThisFrame = false;
  m_lateFrame = -1;
  result.timings.matchMs = millisecondsSince(matchStart);
  result.timings.totalMs = millisecondsSince(start);
  return result;
}

// Detect on every n-th frame (tracks start and end there), else move the
// tracks to where they should be now. In the background, the detector's
// faces of the frame it was given last time are taken up first, then it is
// given this one.
void LiveRecognizer::detectOrPredict(const CapturedFrame& frame, LiveFrameResult& result) {
  m_tracker.predict();
  if (m_detectedOnce && ++m_framesSinceDetection < m_options.detectEvery) return;
  m_framesSinceDetection = 0;
  m_detectedOnce = true;
  const auto t = Clock::now();
  if (!m_options.detectInBackground) {
    result.detectionFrame = true;
    takeDetections(m_detector->detect(frame.image), false, frame, result);
  } else {
    if (m_backgroundDetection.valid()) {
      result.detectionFrame = true;
      result.detectionLate = true;
      m_lateFrame = m_backgroundFrame;
      takeDetections(m_backgroundDetection.get(), true, frame, result);
    }
    m_backgroundFrame = frame.index;
    // The capture side may reuse the frame's buffer: the detector gets its own copy.
    m_backgroundDetection = std::async(std::launch::async, [detector = m_detector.get(), image = frame.image.clone()] {
      return detector->detect(image);
    });
    m_detectionStartedThisFrame = true;
  }
  result.timings.detectMs = millisecondsSince(t);
}

void LiveRecognizer::takeDetections(const std::vector<FaceBox>& boxes, bool late, const CapturedFrame& frame,
                                    LiveFrameResult& result) {
  const TrackUpdate update = late ? m_tracker.updateFromMarkedFrame(boxes) : m_tracker.update(boxes);
  for (const Track& ended : update.ended) {
    for (PresenceEvent& e : m_presence.end(ended.id, frame.timestamp, frame.index)) result.events.push_back(e);
    m_trackStates.erase(ended.id);
  }
  for (int id : update.started) m_trackStates[id].vote = NameVote(m_options.vote);
}

// Every shown track becomes a face of the result; those due for an
// embedding are cut out (aligned). On tracked frames the landmarks also
// correct the box.
LiveRecognizer::FrameCrops LiveRecognizer::cropTrackedFaces(const CapturedFrame& frame, LiveFrameResult& result) {
  FrameCrops crops;
  for (const Track& track : m_tracker.tracks()) {
    // A track the last detection round did not confirm is coasting on its
    // prediction: the face may have left. It is kept for a while, so a
    // missed detection does not cut it, but neither shown nor embedded.
    if (track.missedDetections > 0) continue;
    TrackState& state = m_trackStates.at(track.id);
    LiveFace face;
    face.trackId = track.id;
    face.box = track.box;
    face.detected = result.detectionFrame && track.framesSinceDetection == 0;
    // A track whose name is decided and not due for a new embedding keeps
    // the tracker's box: the landmark fit costs as much as the embedding of
    // a small model. Detected faces are fitted until their box-to-landmark
    // offsets are known, so later tracked frames can be placed from them.
    // On a frame given to the detector in the background every face is
    // fitted: the detector's boxes, arriving later, are placed against
    // these landmarks.
    const bool due = state.lastEmbeddedFrame < 0 || state.vote.shown() == kUndecidedPerson ||
                     frame.index - state.lastEmbeddedFrame >= m_options.embedEvery;
    if (!due && !(face.detected && !state.hasBoxFromLandmarks) && !m_detectionStartedThisFrame) {
      result.faces.push_back(face);
      continue;
    }
    const AlignedFace aligned = m_encoder.cropFace(frame.image, track.box);
    const bool usable = followLandmarks(track, aligned, frame.index, state, face);
    if (usable && due) {
      state.lastCrop = aligned.crop;
      state.lastCropAligned = aligned.aligned;
      crops.images.push_back(aligned.crop);
      crops.faceOf.push_back(result.faces.size());
      state.lastEmbeddedFrame = frame.index;
    }
    result.faces.push_back(face);
  }
  return crops;
}

// Learns where the detector's box sits relative to the landmarks (on
// detected frames) and places the box from the landmarks on tracked ones.
// A detector's box that arrives late is set against the landmarks of the
// frame it was found on, and this frame's box placed from this frame's
// landmarks: nothing rests on how far the face moved in between (boxes
// moved on by the tracker's estimate made names go wrong in a test video,
// and boxes placed from landmarks alone drift: one shrank from 105 to
// 69 px in 20 frames). False when the crop should not be embedded: a
// fallback crop where the detector saw no face, or landmarks fitted where
// no face is left.
bool LiveRecognizer::followLandmarks(const Track& track, const AlignedFace& aligned, std::int64_t frameIndex,
                                     TrackState& state, LiveFace& face) {
  if (!aligned.aligned) return face.detected;
  const LandmarkFrame lm = landmarkFrame(aligned.landmarks);
  if (lm.scale <= 0) return true;
  const auto learnOffsets = [&state](const FaceBox& box, const LandmarkFrame& at) {
    state.hasBoxFromLandmarks = true;
    state.offsetX = (box.centerX() - at.x) / at.scale;
    state.offsetY = (box.centerY() - at.y) / at.scale;
    state.widthRatio = box.width / at.scale;
    state.heightRatio = box.height / at.scale;
  };
  // The landmarks of the detector's frame, when this face was fitted there.
  const bool fittedOnLateFrame = m_lateFrame >= 0 && state.landmarksFrame == m_lateFrame;
  const LandmarkFrame onLateFrame = fittedOnLateFrame ? landmarkFrame(state.landmarks) : LandmarkFrame{};
  state.landmarks = aligned.landmarks;
  state.landmarksFrame = frameIndex;
  if (face.detected) {
    if (onLateFrame.scale <= 0) {
      // Found on this frame, or late on a frame this face was not fitted
      // on (a new face): its box where the tracker put it.
      learnOffsets(track.box, lm);
      return true;
    }
    learnOffsets(track.detectedBox, onLateFrame);
  }
  if (!state.hasBoxFromLandmarks) return true;
  FaceBox box = track.box;
  box.width = state.widthRatio * lm.scale;
  box.height = state.heightRatio * lm.scale;
  box.x = lm.x + state.offsetX * lm.scale - box.width / 2;
  box.y = lm.y + state.offsetY * lm.scale - box.height / 2;
  // Landmarks fitted where no face is left come out anywhere; a face moves
  // and scales only a little from one frame to the next.
  const float scaleChange = box.width / std::max(1.0f, track.box.width);
  if (intersectionOverUnion(box, track.box) < 0.5f || scaleChange <= 0.8f || scaleChange >= 1.25f) return false;
  m_tracker.refine(track.id, box);
  face.box = box;
  return true;
}

// Each embedded face's own match this frame, added to its track's vote.
void LiveRecognizer::matchAndVote(const FrameCrops& crops, const std::vector<Embedding>& embeddings,
                                  LiveFrameResult& result) {
  std::shared_ptr<const GalleryMatcher> matcher;
  double threshold = 0;
  {
    std::lock_guard<std::mutex> lock(m_galleryMutex);
    matcher = m_gallery.matcher;
    threshold = m_options.threshold;
  }
  // The faces of one frame are named together: two of them cannot be the
  // same person (the nearer keeps the name, the other takes its next
  // candidate or stays unknown).
  std::vector<MatchResult> matches(crops.images.size());
  if (matcher && matcher->size() > 0) {
    for (std::size_t i = 0; i < crops.images.size(); ++i) matches[i] = matcher->match(embeddings[i], threshold, 3);
  }
  const std::vector<AssignedName> names = assignJointly(matches, threshold);
  for (std::size_t i = 0; i < crops.images.size(); ++i) {
    LiveFace& face = result.faces[crops.faceOf[i]];
    face.embedded = true;
    face.framePersonId = names[i].personId;
    face.frameDistance = names[i].distance;
    if (!matches[i].ranked.empty()) face.nearestPersonId = matches[i].ranked.front().personId;
    TrackState& state = m_trackStates.at(face.trackId);
    state.vote.add(face.framePersonId, face.frameDistance);
    state.lastEmbedding = embeddings[i];
  }
}

// The names the votes show, each face's latest crop and embedding, and the
// appear/leave events they cause.
void LiveRecognizer::showNames(const CapturedFrame& frame, LiveFrameResult& result) {
  std::map<std::int64_t, LiveFace*> shownBy;  // person → the face that keeps the name
  for (LiveFace& face : result.faces) {
    const TrackState& state = m_trackStates.at(face.trackId);
    face.crop = state.lastCrop;
    face.cropAligned = state.lastCropAligned;
    face.embedding = state.lastEmbedding;
    const NameVote& vote = state.vote;
    face.shownPersonId = vote.shown();
    face.shownDistance = vote.shownDistance();
    face.votes = vote.tally();
    face.voteWindow = m_options.vote.window;
    if (face.shownPersonId < 0) continue;
    // Two tracks whose votes name the same person in one frame: the nearer keeps it.
    auto [it, first] = shownBy.emplace(face.shownPersonId, &face);
    if (first) continue;
    LiveFace* loser = face.shownDistance < it->second->shownDistance ? it->second : &face;
    if (loser != &face) it->second = &face;
    loser->shownPersonId = kUnknownPerson;
  }
  for (LiveFace& face : result.faces) {
    face.shownName = nameOf(face.shownPersonId);
    const PresenceLog::Shown shown{face.shownPersonId, face.shownName, face.shownDistance};
    for (PresenceEvent& e : m_presence.update(face.trackId, shown, frame.timestamp, frame.index)) {
      result.events.push_back(e);
    }
  }
}

std::vector<PresenceEvent> LiveRecognizer::finish(double timestamp, std::int64_t frameIndex) {
  waitForBackgroundDetection();  // its faces belong to a stream that has ended
  m_detectedOnce = false;
  std::vector<PresenceEvent> events;
  for (const Track& track : m_tracker.endAll()) {
    for (PresenceEvent& e : m_presence.end(track.id, timestamp, frameIndex)) events.push_back(e);
  }
  m_trackStates.clear();
  return events;
}

}  // namespace siamese
