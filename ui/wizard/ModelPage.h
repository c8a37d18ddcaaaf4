#pragma once
// Page 4 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace siamese::ui {

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

}  // namespace siamese::ui
