#include "LiveRunner.h"

#include <chrono>
#include <exception>

#include "ImageConversion.h"
#include "ModelLabel.h"
#include "gallery/GalleryStore.h"
#include "gallery/MatchThreshold.h"
#include "live/FrameAnnotator.h"
#include "live/LiveSession.h"

namespace siamese::ui {

LiveRunner::LiveRunner(QObject* parent) : QObject(parent) { qRegisterMetaType<siamese::ui::LiveFrame>(); }

LiveRunner::~LiveRunner() {
  if (m_thread.joinable()) {
    m_stop->requestStop();
    m_thread.join();
  }
}

bool LiveRunner::start(const LiveConfig& config) {
  if (m_running) return false;
  if (m_thread.joinable()) m_thread.join();
  m_running = true;
  m_framePending = false;
  m_stop = std::make_unique<StopToken>();
  m_galleryPath = config.galleryPath;
  m_thread = std::thread([this, config] { run(config); });
  return true;
}

void LiveRunner::stop() {
  if (m_stop) m_stop->requestStop();
}

void LiveRunner::reloadGallery() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_recognizer || !m_embedder) return;
  GalleryStore store(m_galleryPath);  // this thread's own connection
  m_recognizer->setGallery(loadGalleryIndex(store, *m_embedder));
}

void LiveRunner::run(LiveConfig config) {
  QString error;
  try {
    auto source = openFrameSource(config.source);
    configureTorchThreads(1);  // see bench_live: one thread wins for a frame's few faces
    auto embedder = Embedder::load(config.modelPath);
    GalleryStore store(config.galleryPath);
    LiveOptions options;
    options.detector.kind = parseDetectorKind(config.detector);
    options.detector.minFaceSize = 60;
    options.detectEvery = std::max(1, config.detectEvery);
    const MatchThreshold threshold =
        matchThresholdFor(store, embedder->metadata(), config.threshold, distanceOf(*embedder));
    options.threshold = threshold.value;
    LiveRecognizer recognizer(*embedder, loadGalleryIndex(store, *embedder), options);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_recognizer = &recognizer;
      m_embedder = embedder.get();
    }
    // Clears the pointers before the recogniser and the model go away, on
    // every way out of this block (reloadGallery() may run meanwhile).
    struct ClearOnExit {
      LiveRunner& runner;
      ~ClearOnExit() {
        std::lock_guard<std::mutex> lock(runner.m_mutex);
        runner.m_recognizer = nullptr;
        runner.m_embedder = nullptr;
      }
    } clearOnExit{*this};
    const BundleMetadata& meta = embedder->metadata();
    emit modelLoaded(modelLabel(meta, embedder->deviceName()));
    emit statusChanged(QString::fromStdString("reading " + source->description() + "; threshold " +
                                              std::to_string(threshold.value).substr(0, 6) + " (" +
                                              threshold.source + ")"));

    auto windowStart = std::chrono::steady_clock::now();
    int framesInWindow = 0;
    double fps = 0;
    LiveSessionCallbacks callbacks;
    callbacks.onFrame = [&](CapturedFrame& frame, const LiveFrameResult& result) {
      ++framesInWindow;
      const auto now = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(now - windowStart).count();
      if (seconds >= 1.0) {
        fps = framesInWindow / seconds;
        framesInWindow = 0;
        windowStart = now;
      }
      if (m_framePending.exchange(true)) return;  // the GUI is still showing the last one
      LiveFrame shown;
      shown.raw = toQImage(frame.image);
      AnnotateOptions annotate;
      annotate.framesPerSecond = fps;
      annotate.showTimings = false;  // the tab shows timings beside the picture
      annotateFrame(frame.image, result, annotate);
      shown.annotated = toQImage(frame.image);
      shown.result = result;
      shown.framesPerSecond = fps;
      emit frameReady(shown);
    };
    callbacks.onStatus = [this](const std::string& status) { emit statusChanged(QString::fromStdString(status)); };
    const LiveSessionStats stats = runLiveSession(*source, recognizer, callbacks, *m_stop);
    if (stats.sourceLost) error = QString::fromStdString(source->description() + " was lost and did not come back");
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  m_running = false;
  emit stopped(error);
}

}  // namespace siamese::ui
