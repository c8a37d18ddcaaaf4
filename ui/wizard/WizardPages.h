#pragma once
// The seven pages of the training wizard. Each drives one stage of the
// engine with sensible defaults and a preview; long stages run on a worker
// thread with their own progress bar and Cancel.

#include <QWizardPage>
#include <memory>

#include "WizardState.h"
#include "common/Image.h"
#include "eval/Metrics.h"

class QCheckBox;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace siamese::ui {

class JobRunner;
using SharedState = std::shared_ptr<WizardState>;

/// A picture that keeps its aspect ratio inside a label.
void showImage(QLabel* label, const Image& image, int maxWidth);

/// While a page's job runs, Back stays disabled: going back would change
/// the data the job is working on.
void holdBackButton(QWizardPage* page, bool hold);

/// 1. Which photos: a folder (folder per person, identity list, …) or an
/// existing face cache, with counts per person.
class DataPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit DataPage(SharedState state);
  bool isComplete() const override;
  bool validatePage() override;
  /// Reads the source now (the GUI calls it when the path changes).
  bool scan(const QString& source);
  QLineEdit* workFolderEdit() const { return m_work; }
 private:
  SharedState m_state;
  QLineEdit* m_source;
  QLineEdit* m_work;
  QSpinBox* m_minPhotos;
  QLabel* m_summary;
  QTableWidget* m_counts;
  bool m_ok = false;
};

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
 private:
  void showCache();
  SharedState m_state;
  JobRunner* m_job;
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

/// 3. Balanced same/different pairs in identity-disjoint splits, with a montage.
class PairsPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit PairsPage(SharedState state);
  void initializePage() override;
  bool isComplete() const override;
  bool build();
  QDoubleSpinBox* trainShare() const { return m_train; }
  QDoubleSpinBox* validationShare() const { return m_validation; }
  QString reportText() const;
 private:
  SharedState m_state;
  QDoubleSpinBox* m_train;
  QDoubleSpinBox* m_validation;
  QSpinBox* m_pairs;
  QSpinBox* m_seed;
  QSpinBox* m_minPhotos;
  QLabel* m_report;
  QLabel* m_montage;
};

/// 4. Network, loss and hyperparameters, or a tuning budget.
class ModelPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit ModelPage(SharedState state);
  bool validatePage() override;
  QSpinBox* epochs() const { return m_epochs; }
  QSpinBox* stepsPerEpoch() const { return m_steps; }
  QSpinBox* peoplePerBatch() const { return m_people; }
 private:
  SharedState m_state;
  QComboBox* m_architecture;
  QComboBox* m_loss;
  QSpinBox* m_embedding;
  QSpinBox* m_inputSize;
  QDoubleSpinBox* m_learningRate;
  QSpinBox* m_epochs;
  QSpinBox* m_steps;
  QSpinBox* m_people;
  QCheckBox* m_tune;
  QSpinBox* m_trials;
};

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

/// 7. Save the bundle and make it the active model; the gallery re-embeds.
class DeployPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit DeployPage(SharedState state);
  void initializePage() override;
  bool validatePage() override;
  QLineEdit* pathEdit() const { return m_path; }
 signals:
  void deployed(const QString& bundlePath);
 private:
  SharedState m_state;
  QLineEdit* m_path;
  QLineEdit* m_name;
  QCheckBox* m_activate;
  QLabel* m_summary;
};

}  // namespace siamese::ui
