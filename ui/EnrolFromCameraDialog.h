#pragma once
// "Enrol from camera": guided enrolment (EnrolmentGuide.h) from a camera,
// a video file or an image folder. Each frame is checked on a worker (one
// face, large enough, sharp, well exposed, its pose) and the dialog shows
// the frame, what is wrong with it or what to do next, and the best frame
// kept for each pose (frontal, turned left, turned right). Enrol stores
// the kept frames as the person's reference photos.

#include <QDialog>
#include <QImage>
#include <QStringList>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "StudioSession.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace siamese {
class EnrolmentGuide;
}

namespace siamese::ui {

class EnrolFromCameraDialog : public QDialog {
  Q_OBJECT

 public:
  EnrolFromCameraDialog(StudioSession& session, QWidget* parent = nullptr);
  ~EnrolFromCameraDialog() override;  ///< stops and joins the worker

  /// Starts checking frames from `source` (camera index or device, video
  /// file, image folder); false when already running.
  bool start(const QString& source);
  void stop();
  bool running() const { return m_running; }
  /// The poses with a kept frame ("frontal", "turned left", "turned right").
  QStringList posesCaptured() const { return m_poses; }
  /// Every different refusal seen so far, in words.
  QStringList problemsSeen() const { return m_problems; }
  QLineEdit* nameEdit() const { return m_name; }
  /// Enrols the kept frames under the name, on a worker (stops first);
  /// false when there is no name or nothing kept.
  bool enrol();
  bool enrolling() const { return m_enrolling; }
  /// The outcome of the last enrolment, in words.
  QString result() const;

 private:
  struct FrameReport;
  void run(std::string source);
  void showReport(const FrameReport& report);
  void updateButtons();

  StudioSession& m_session;
  QComboBox* m_source;
  QLineEdit* m_name;
  QPushButton* m_start;
  QPushButton* m_stop;
  QPushButton* m_enrol;
  QLabel* m_preview;
  QLabel* m_advice;
  QLabel* m_poseSlots[3];
  QLabel* m_result;

  std::thread m_thread;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopRequested{false};
  std::shared_ptr<EnrolmentGuide> m_guide;  ///< the worker's while it runs; the enrol job's after
  QStringList m_poses, m_problems;
  bool m_enrolling = false;
};

}  // namespace siamese::ui
