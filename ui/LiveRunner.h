#pragma once
// Runs the engine's live pipeline (LivePipeline) for the Live tab on its
// own thread (the pipeline adds the capture thread) and hands frames to the
// GUI. The model and gallery are the session's: nothing is loaded again,
// and the pipeline re-reads the gallery itself when the session says it
// changed. A frame is only
// handed over when the GUI has shown the previous one, so a slow screen
// never builds a queue: it skips frames, like the capture buffer does.

#include <QImage>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/Progress.h"
#include "live/LiveRecognizer.h"
#include "live/UnknownVisitors.h"
#include "session/LivePipeline.h"

namespace siamese {
class Session;
}

namespace siamese::ui {

/// What the GUI gets per shown frame.
struct LiveFrame {
  QImage annotated;  ///< boxes and names drawn in
  QImage raw;        ///< as captured (enrolment crops come from here)
  LiveFrameResult result;
  double framesPerSecond = 0;
};

class LiveRunner : public QObject {
  Q_OBJECT

 public:
  explicit LiveRunner(QObject* parent = nullptr);
  ~LiveRunner() override;

  /// Starts the pipeline over `session`; false when already running.
  bool start(Session& session, const LivePipelineSettings& settings);
  /// Asks the session to stop; stopped() follows.
  void stop();
  bool running() const { return m_running; }

  /// The GUI calls this once it has shown a frame, to get the next one.
  void frameShown() { m_framePending = false; }

  /// Faces that stayed unknown in the last (or current) session, proposed
  /// as people (UnknownVisitors.h): every processed frame is looked at,
  /// shown or not. Kept after the session ends, until the next one starts.
  std::vector<VisitorCluster> visitors() const;
  /// Drops a proposal (enrolled or discarded).
  void forgetVisitor(const VisitorCluster& cluster);

 signals:
  void frameReady(const siamese::ui::LiveFrame& frame);
  void statusChanged(const QString& status);
  /// The session ended; `error` is empty when it ended normally.
  void stopped(const QString& error);
  /// Model and device, once loaded.
  void modelLoaded(const QString& description);

 private:
  void run(Session& session, LivePipelineSettings settings);

  std::thread m_thread;
  std::unique_ptr<StopToken> m_stop;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_framePending{false};
  mutable std::mutex m_visitorsMutex;  ///< the worker adds, the GUI reads
  std::optional<UnknownVisitors> m_visitors;
};

}  // namespace siamese::ui

Q_DECLARE_METATYPE(siamese::ui::LiveFrame)
