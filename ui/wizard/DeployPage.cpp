#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "DeployPage.h"
#include "common/Error.h"

namespace siamese::ui {

DeployPage::DeployPage(SharedState state) : m_state(std::move(state)) {
  setTitle(tr("7. Deploy"));
  setSubTitle(tr("Save the model as a bundle (weights, architecture, input settings, threshold and the people it "
                 "was trained on) and make it the model the app uses. The gallery is then re-embedded."));
  m_path = new QLineEdit;
  m_name = new QLineEdit;
  m_activate = new QCheckBox(tr("Use this model from now on (the gallery re-embeds its photos)"));
  m_activate->setChecked(true);
  m_summary = new QLabel;
  m_summary->setWordWrap(true);
  auto* form = new QFormLayout;
  form->addRow(tr("Bundle file:"), m_path);
  form->addRow(tr("Name:"), m_name);
  form->addRow(QString(), m_activate);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(m_summary);
  layout->addStretch(1);
}

void DeployPage::initializePage() {
  const QString dataset = QFileInfo(m_state->source).completeBaseName();
  if (m_path->text().isEmpty()) m_path->setText(m_state->workFolder + "/" + dataset + ".siamese");
  if (m_name->text().isEmpty()) m_name->setText(tr("trained on %1").arg(dataset));
  m_summary->setText(tr("Test accuracy %1% at threshold %2 (%3).")
                         .arg(100 * m_state->testAccuracy, 0, 'f', 1)
                         .arg(m_state->threshold.value, 0, 'f', 4)
                         .arg(QString::fromStdString(m_state->threshold.method)));
}

bool DeployPage::validatePage() {
  if (!m_state->result) return false;
  BundleFile bundle = m_state->result->bundle;
  bundle.metadata.name = m_name->text().toStdString();
  applyThreshold(bundle, m_state->threshold);
  bundle.metadata.metrics["test_accuracy"] = m_state->testAccuracy;
  const std::string path = m_path->text().toStdString();
  try {
    QDir().mkpath(QFileInfo(m_path->text()).absolutePath());
    saveTrainedModel(path, bundle, m_state->result->history);
  } catch (const Error& e) {
    m_summary->setText(QString::fromUtf8(e.what()));
    return false;
  }
  if (m_activate->isChecked()) emit deployed(m_path->text());
  return true;
}

}  // namespace siamese::ui
