#pragma once
// Page 6 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QChartView;
class QComboBox;
class QLabel;

namespace siamese::ui {

class JobRunner;

/// 6. ROC, distance histograms, threshold choice, test accuracy, montage.
class EvaluatePage : public QWizardPage {
  Q_OBJECT
 public:
  explicit EvaluatePage(SharedState state);
  ~EvaluatePage() override;
  void initializePage() override;
  bool isComplete() const override;
  bool busy() const;
  QComboBox* thresholdMethod() const { return m_method; }
 private:
  void chooseThreshold();
  SharedState m_state;
  JobRunner* m_job;
  QComboBox* m_method;
  QLabel* m_figures;
  QChartView* m_roc;
  QChartView* m_histogram;
  QLabel* m_montage;
  ScoredPairs m_validation, m_test;  ///< of the last scoring, in pair order
  bool m_ready = false;
  bool m_rescore = false;  ///< the page was re-entered while an older scoring ran
};

}  // namespace siamese::ui
