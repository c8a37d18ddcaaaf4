#pragma once
// Page 3 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace siamese::ui {

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
  /// The seed the people are split with (a model trained before is scored
  /// honestly only on its own split).
  QSpinBox* seed() const { return m_seed; }
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

}  // namespace siamese::ui
