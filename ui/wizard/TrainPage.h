#pragma once
// Page 5 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QChartView;
class QLabel;
class QProgressBar;
class QPushButton;

namespace siamese::ui {

class JobRunner;

/// 5. Training with progress, ETA, live curves and Stop.
class TrainPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit TrainPage(SharedState state);
  ~TrainPage() override;
  void initializePage() override;
  bool isComplete() const override;
  void startTraining();
  bool busy() const;
  /// What the page says about the run (its progress, or how it ended).
  QString statusText() const;
 private:
  void addEpoch(const EpochRecord& record);
  SharedState m_state;
  JobRunner* m_job;
  QPushButton* m_start;
  QPushButton* m_stop;
  QProgressBar* m_progress;
  QLabel* m_status;
  QChartView* m_chart;
  bool m_resumable = false;  ///< the last run was stopped and left a checkpoint
  TrainConfig m_lastConfig;   ///< what the last run trained with (tuned settings included)
};

}  // namespace siamese::ui
