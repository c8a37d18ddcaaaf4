#include "TrainingWizard.h"

#include <QMessageBox>

namespace siamese::ui {

TrainingWizard::TrainingWizard(QWidget* parent) : QWizard(parent), m_state(std::make_shared<WizardState>()) {
  setWindowTitle(tr("Train a siamese network"));
  setWizardStyle(QWizard::ModernStyle);
  setOption(QWizard::NoBackButtonOnLastPage);
  m_data = new DataPage(m_state);
  m_prepare = new PreparePage(m_state);
  m_pairs = new PairsPage(m_state);
  m_model = new ModelPage(m_state);
  m_train = new TrainPage(m_state);
  m_evaluate = new EvaluatePage(m_state);
  m_deploy = new DeployPage(m_state);
  for (QWizardPage* page : std::initializer_list<QWizardPage*>{m_data, m_prepare, m_pairs, m_model, m_train, m_evaluate, m_deploy}) {
    addPage(page);
  }
  connect(m_deploy, &DeployPage::deployed, this, &TrainingWizard::deployed);
  resize(960, 760);
}

void TrainingWizard::reject() {
  if (m_prepare->busy() || m_train->busy() || m_evaluate->busy()) {
    QMessageBox::information(this, windowTitle(), tr("Stop the running job first."));
    return;
  }
  if (m_state->result && currentPage() != m_deploy &&
      QMessageBox::question(this, windowTitle(), tr("Close without deploying the trained model? It is not saved yet "
                                                        "(its last checkpoint stays in %1).")
                                                     .arg(m_state->workFolder + "/model.ckpt")) !=
          QMessageBox::Yes) {
    return;
  }
  QWizard::reject();
}

}  // namespace siamese::ui
