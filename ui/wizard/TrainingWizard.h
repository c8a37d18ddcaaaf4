#pragma once
// The training wizard: data set → preparation → pairs → model → training →
// evaluation → deploy, each page driving the same engine as the CLI.

#include <QWizard>

#include "DataPage.h"
#include "DeployPage.h"
#include "EvaluatePage.h"
#include "ModelPage.h"
#include "PairsPage.h"
#include "PreparePage.h"
#include "TrainPage.h"

namespace siamese::ui {

class TrainingWizard : public QWizard {
  Q_OBJECT

 public:
  explicit TrainingWizard(QWidget* parent = nullptr);

  DataPage* dataPage() const { return m_data; }
  PreparePage* preparePage() const { return m_prepare; }
  PairsPage* pairsPage() const { return m_pairs; }
  ModelPage* modelPage() const { return m_model; }
  TrainPage* trainPage() const { return m_train; }
  EvaluatePage* evaluatePage() const { return m_evaluate; }
  DeployPage* deployPage() const { return m_deploy; }
  const WizardState& state() const { return *m_state; }

 signals:
  /// The new bundle should become the active model.
  void deployed(const QString& bundlePath);

 protected:
  void reject() override;  ///< asks before throwing away a trained model

 private:
  SharedState m_state;
  DataPage* m_data;
  PreparePage* m_prepare;
  PairsPage* m_pairs;
  ModelPage* m_model;
  TrainPage* m_train;
  EvaluatePage* m_evaluate;
  DeployPage* m_deploy;
};

}  // namespace siamese::ui
