#include "LiveRunner.h"

#include <chrono>
#include <exception>

#include "ImageConversion.h"
#include "ModelLabel.h"
#include "live/FrameAnnotator.h"
#include "session/Session.h"

namespace siamese::ui {

LiveRunner::LiveRunner(QObject* parent) : QObject(parent) { qRegisterMetaType<siamese::ui::LiveFrame>(); }

LiveRunner::~LiveRunner() {
  if (m_thread.joinable()) {
    m_stop->requestStop();
    m_thread.join();
  }
}

bool LiveRunner::start(Session& session, const LivePipelineSettings& settings) {
  if (m_running) return false;
  if (m_thread.joinable()) m_thread.join();
  m_running = true;
  m_framePending = false;
  m_stop = std::make_unique<StopToken>();
  m_thread = std::thread([this, &session, settings] { run(session, settings); });
  return true;
}

std::vector<VisitorCluster> LiveRunner::visitors() const {
  std::lock_guard<std::mutex> lock(m_visitorsMutex);
  return m_visitors ? m_visitors->clusters() : std::vector<VisitorCluster>{};
}

void LiveRunner::forgetVisitor(const VisitorCluster& cluster) {
  std::lock_guard<std::mutex> lock(m_visitorsMutex);
  if (m_visitors) m_visitors->forget(cluster);
}

void LiveRunner::stop() {
  if (m_stop) m_stop->requestStop();
}

void LiveRunner::run(Session& session, LivePipelineSettings settings) {
  QString error;
  try {
    LivePipeline pipeline(session, settings);
    const MatchThreshold& threshold = pipeline.threshold();
    {
      // The proposals outlive the pipeline (their cards stay after a video
      // ends): the distance holds the model itself.
      std::shared_ptr<Embedder> model = session.model();
      std::lock_guard<std::mutex> lock(m_visitorsMutex);
      m_visitors.emplace([model](const Embedding& a, const Embedding& b) { return model->distance(a, b); },
                         threshold.value);
    }
    emit modelLoaded(modelLabel(pipeline.model().metadata(), pipeline.model().deviceName()));
    emit statusChanged(QString::fromStdString("reading " + pipeline.source().description() + "; threshold " +
                                              std::to_string(threshold.value).substr(0, 6) + " (" +
                                              threshold.source + ")"));

    auto windowStart = std::chrono::steady_clock::now();
    int framesInWindow = 0;
    double fps = 0;
    bool fullWindow = false;  // a whole second has been measured
    LiveSessionCallbacks callbacks;
    callbacks.onFrame = [&](CapturedFrame& frame, const LiveFrameResult& result) {
      ++framesInWindow;
      const auto now = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(now - windowStart).count();
      if (seconds >= 1.0) {
        fps = framesInWindow / seconds;
        framesInWindow = 0;
        windowStart = now;
        fullWindow = true;
      } else if (!fullWindow && seconds > 0) {
        fps = framesInWindow / seconds;  // the first second: a running estimate rather than 0
      }
      {
        std::lock_guard<std::mutex> lock(m_visitorsMutex);
        m_visitors->observe(frame.image, result);  // before anything is drawn on it
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
    const LiveSessionStats stats = pipeline.run(callbacks, *m_stop);
    if (stats.sourceLost) {
      error = QString::fromStdString(pipeline.source().description() + " was lost and did not come back");
    }
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
  }
  m_running = false;
  emit stopped(error);
}

}  // namespace siamese::ui
