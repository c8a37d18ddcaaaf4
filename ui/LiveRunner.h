#pragma once
// Runs the live pipeline for the Live tab on its own thread (LiveSession
// adds the capture thread) and hands frames to the GUI. A frame is only
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

#include "common/Progress.h"
#include "live/LiveRecognizer.h"

namespace siamese::ui {

struct LiveConfig {
  std::string source;
  std::string modelPath;
  std::string galleryPath;
  std::string detector = "hog";
  int detectEvery = 3;
  std::optional<double> threshold;
};

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

  /// Starts reading `config.source`; false when already running.
  bool start(const LiveConfig& config);
  /// Asks the session to stop; stopped() follows.
  void stop();
  bool running() const { return m_running; }

  /// Re-reads the gallery (after someone was enrolled) without stopping.
  void reloadGallery();

  /// The GUI calls this once it has shown a frame, to get the next one.
  void frameShown() { m_framePending = false; }

 signals:
  void frameReady(const siamese::ui::LiveFrame& frame);
  void statusChanged(const QString& status);
  /// The session ended; `error` is empty when it ended normally.
  void stopped(const QString& error);
  /// Model and device, once loaded.
  void modelLoaded(const QString& description);

 private:
  void run(LiveConfig config);

  std::thread m_thread;
  std::unique_ptr<StopToken> m_stop;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_framePending{false};
  std::mutex m_mutex;  // guards the two pointers below while the session runs
  LiveRecognizer* m_recognizer = nullptr;
  const Embedder* m_embedder = nullptr;
  std::string m_galleryPath;
};

}  // namespace siamese::ui

Q_DECLARE_METATYPE(siamese::ui::LiveFrame)
