#pragma once
// "Adapt to my people": fine-tunes the active model on the gallery's people
// with another data set's people as impostors, on a worker, and shows the
// held-out check before and after. The adapted model is written (and the
// gallery embedded for it) only when it is better; the user then chooses
// to make it active. The old model stays selectable in the models hub.

#include <QDialog>

#include "StudioSession.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace siamese::ui {

class JobRunner;

class AdaptDialog : public QDialog {
  Q_OBJECT

 public:
  AdaptDialog(StudioSession& session, QWidget* parent = nullptr);
  ~AdaptDialog() override;

  QLineEdit* impostorsEdit() const { return m_impostors; }
  QSpinBox* epochs() const { return m_epochs; }
  /// Starts the adaptation; false when one is running or nothing to start from.
  bool start();
  bool busy() const;
  /// The check's figures and the decision, once finished.
  QString resultText() const;
  /// The adapted model's file when it was written (it was better).
  QString adaptedPath() const { return m_adaptedPath; }

 signals:
  void adapted(const QString& path);  ///< written: the user may make it active

 private:
  StudioSession& m_session;
  JobRunner* m_job;
  QLineEdit* m_impostors;
  QComboBox* m_trainable;
  QSpinBox* m_epochs;
  QPushButton* m_start;
  QPushButton* m_useIt;
  QProgressBar* m_progress;
  QLabel* m_result;
  QString m_adaptedPath;
};

}  // namespace siamese::ui
