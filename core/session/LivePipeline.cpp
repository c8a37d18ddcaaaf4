#include "session/LivePipeline.h"

#include <algorithm>
#include <thread>

#include "session/Session.h"

namespace siamese {

bool defaultDetectInBackground() { return std::thread::hardware_concurrency() >= 2; }

LivePipeline::LivePipeline(Session& session, const LivePipelineSettings& settings)
    : m_session(session), m_loop(settings.loop) {
  m_source = openFrameSource(settings.source);
  configureTorchThreads(settings.threads);
  m_model = session.model();
  GalleryIndex gallery = readGallery();

  LiveOptions options;
  options.detector.kind = parseDetectorKind(settings.detector);
  options.detector.minFaceSize = settings.minFace;
  options.detector.maxDetectSide = settings.maxDetectSide;
  options.detectEvery = std::max(1, settings.detectEvery);
  options.detectInBackground = settings.detectInBackground;
  options.embedEvery = std::max(1, settings.embedEvery);
  options.threshold = m_threshold.value;
  m_recognizer = std::make_unique<LiveRecognizer>(*m_model, std::move(gallery), options);

  m_subscription = session.subscribe([this](SessionChange change) {
    if (change == SessionChange::GalleryContents || change == SessionChange::Threshold) m_galleryChanged = true;
  });
}

LivePipeline::~LivePipeline() { m_session.unsubscribe(m_subscription); }

GalleryIndex LivePipeline::readGallery() {
  GalleryIndex gallery = loadGalleryIndex(m_session.gallery(), *m_model);
  m_galleryReferences = gallery.matcher ? gallery.matcher->size() : 0;
  m_threshold = m_session.threshold();
  return gallery;
}

void LivePipeline::reloadGalleryIfChanged() {
  if (!m_galleryChanged.exchange(false)) return;
  // On the processing thread, with its own connection: a change seen here
  // is in the very next frame's names.
  m_recognizer->setGallery(readGallery());
  m_recognizer->setThreshold(m_threshold.value);
}

LiveSessionStats LivePipeline::run(const LiveSessionCallbacks& callbacks, const StopToken& stop) {
  LiveSessionCallbacks wrapped = callbacks;
  wrapped.onFrame = [this, &callbacks](CapturedFrame& frame, const LiveFrameResult& result) {
    if (callbacks.onFrame) callbacks.onFrame(frame, result);
    reloadGalleryIfChanged();
  };
  return runLiveSession(*m_source, *m_recognizer, wrapped, stop, m_loop);
}

}  // namespace siamese
