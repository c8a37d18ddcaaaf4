#pragma once
// Runs one long job (enrolment, re-embedding, import, export) on a worker
// thread while a progress dialog shows how far it is, with a Cancel button
// that asks the job to stop at its next safe point. The window never
// freezes: the job reports through queued calls into the GUI thread.

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "common/Progress.h"

class QProgressDialog;
class QWidget;

namespace siamese::ui {

class JobRunner : public QObject {
  Q_OBJECT

 public:
  /// The job: report progress, check `stop`, throw siamese::Error (or any
  /// std::exception) to fail with a message.
  using Job = std::function<void(const ProgressFn& progress, const StopToken& stop)>;

  /// With `showDialog` false no dialog appears: the owner shows progress
  /// itself (progressed()) and offers cancel().
  explicit JobRunner(QWidget* parent, bool showDialog = true);
  ~JobRunner() override;  ///< asks a running job to stop and waits for it

  /// Starts `job` with a progress dialog titled `title`; false when a job
  /// is already running.
  bool start(const QString& title, Job job);
  bool busy() const { return m_busy; }
  /// Asks the running job to stop at its next safe point.
  void cancel();

 signals:
  /// In the GUI thread, after the worker has ended. `error` is empty on success.
  void finished(bool ok, bool cancelled, const QString& error);
  /// In the GUI thread, a few times a second while the job runs.
  void progressed(const siamese::Progress& progress);

 private:
  void finish(bool ok, const QString& error);

  QWidget* m_parent;
  bool m_showDialog;
  QProgressDialog* m_dialog = nullptr;
  std::thread m_thread;
  std::unique_ptr<StopToken> m_stop;
  std::atomic<bool> m_busy{false};
};

}  // namespace siamese::ui

Q_DECLARE_METATYPE(siamese::Progress)
