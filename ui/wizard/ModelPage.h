#pragma once
// Page 4 of the training wizard (TrainingWizard.h shows the whole flow).

#include "WizardPage.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace siamese::ui {

/// 4. Where to start (from scratch, from the face tower, from a trained
/// model) and what trains; the network, loss and hyperparameters, or a
/// tuning budget.
class ModelPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit ModelPage(SharedState state);
  bool validatePage() override;
  QSpinBox* epochs() const { return m_epochs; }
  QSpinBox* stepsPerEpoch() const { return m_steps; }
  QSpinBox* peoplePerBatch() const { return m_people; }
  /// The first epoch whose weights are averaged (0: no averaging).
  QSpinBox* averageFrom() const { return m_averageFrom; }
  /// "scratch", "tower" (the imported face tower) or "model" (a bundle file).
  QComboBox* startFrom() const { return m_startFrom; }
  /// With a pretrained start: "head", "last-blocks" or "all".
  QComboBox* trainable() const { return m_trainable; }
  /// The bundle to start from when startFrom is "model".
  QLineEdit* startModelEdit() const { return m_startModel; }
 private:
  /// The configuration from the start choice: the pretrained model's
  /// network with what trains; throws Error when it cannot start there
  /// (crops it was not trained on, or pairs whose validation or test people
  /// it trained on).
  void applyStart(TrainConfig& config) const;
  void showStartChoice();
  SharedState m_state;
  QComboBox* m_startFrom;
  QComboBox* m_trainable;
  QLineEdit* m_startModel;
  QPushButton* m_browse;
  QComboBox* m_architecture;
  QComboBox* m_loss;
  QSpinBox* m_embedding;
  QSpinBox* m_inputSize;
  QDoubleSpinBox* m_learningRate;
  QSpinBox* m_epochs;
  QSpinBox* m_steps;
  QSpinBox* m_people;
  QSpinBox* m_averageFrom;
  QCheckBox* m_tune;
  QSpinBox* m_trials;
};

}  // namespace siamese::ui
