#pragma once
// Page 2 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace siamese::ui {

class JobRunner;

/// 2. Detect and align every photo into a face cache (skipped for a cache).
class PreparePage : public QWizardPage {
  Q_OBJECT
 public:
  explicit PreparePage(SharedState state);
  ~PreparePage() override;
  void initializePage() override;
  bool isComplete() const override;
  void startPreparing();
  bool busy() const;
  QComboBox* detector() const { return m_detector; }
  /// "own": template crops for our own networks; "tower": the face tower's
  /// dlib chips (150 px colour), for training on top of it.
  QComboBox* cropsFor() const { return m_cropsFor; }
 private:
  void showCache();
  SharedState m_state;
  JobRunner* m_job;
  QComboBox* m_cropsFor;
  QComboBox* m_detector;
  QSpinBox* m_cropSize;
  QCheckBox* m_colour;
  QPushButton* m_start;
  QPushButton* m_cancel;
  QProgressBar* m_progress;
  QLabel* m_summary;
  QListWidget* m_samples;
  QListWidget* m_failures;
};

}  // namespace siamese::ui
