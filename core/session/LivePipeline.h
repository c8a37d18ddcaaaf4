#pragma once
/// \file LivePipeline.h
/// The whole live chain assembled from plain settings: the frame source,
/// the session's model and gallery, the threshold in force, the recogniser
/// and the two-thread session loop. The Live tab and `siamese live` are thin
/// callbacks over one of these. The gallery is re-read on the processing
/// thread after the session announces a change, so no front end touches
/// SQLite to keep a running view current.

#include <atomic>
#include <memory>
#include <string>

#include "common/Progress.h"
#include "gallery/MatchThreshold.h"
#include "live/FrameSource.h"
#include "live/LiveRecognizer.h"
#include "live/LiveSession.h"

namespace siamese {

class Session;

/// True when the machine has a second core for the detector.
bool defaultDetectInBackground();

struct LivePipelineSettings {
  std::string source;  ///< camera index/device, video file, rtsp/http URL or image folder
  std::string detector = "hog";
  int minFace = 60;
  int maxDetectSide = 0;
  int detectEvery = 3;
  /// Detect on a second core while the frames in between are tracked
  /// (LiveOptions::detectInBackground): on wherever there is one.
  bool detectInBackground = defaultDetectInBackground();
  int embedEvery = LiveOptions{}.embedEvery;
  /// LibTorch threads: one by default, since a frame's batch is a few faces
  /// and a second thread fighting the capture thread costs more than it
  /// gives (bench_live measures both). 0: every core.
  int threads = 1;
  LiveSessionOptions loop;  ///< reconnection, frame limit
};

class LivePipeline {
 public:
  /// Opens the source first (a missing camera should not wait for the
  /// model), then takes the session's model, gallery and threshold.
  /// throws Error naming what could not be opened.
  LivePipeline(Session& session, const LivePipelineSettings& settings);
  ~LivePipeline();

  FrameSource& source() { return *m_source; }
  const Embedder& model() const { return *m_model; }
  const MatchThreshold& threshold() const { return m_threshold; }
  const LiveOptions& options() const { return m_recognizer->options(); }
  /// Reference embeddings the gallery holds for the model (0: every face is unknown).
  std::size_t galleryReferences() const { return m_galleryReferences; }

  /// Runs until the source ends, is lost for good, `stop` is set or the
  /// frame limit is reached (LiveSession.h).
  LiveSessionStats run(const LiveSessionCallbacks& callbacks, const StopToken& stop);

 private:
  /// This thread's read of the gallery for the model, and the threshold in
  /// force with it (both can change when the gallery does).
  GalleryIndex readGallery();
  void reloadGalleryIfChanged();

  Session& m_session;
  std::unique_ptr<FrameSource> m_source;
  std::shared_ptr<Embedder> m_model;
  MatchThreshold m_threshold;
  std::size_t m_galleryReferences = 0;
  LiveSessionOptions m_loop;
  std::unique_ptr<LiveRecognizer> m_recognizer;
  std::atomic<bool> m_galleryChanged{false};
  int m_subscription = 0;
};

}  // namespace siamese
