#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ModelPage.h"
#include "common/Error.h"

namespace siamese::ui {
namespace {

QSpinBox* spin(int low, int high, int value) {
  auto* box = new QSpinBox;
  box->setRange(low, high);
  box->setValue(value);
  return box;
}

}  // namespace

ModelPage::ModelPage(SharedState state) : m_state(std::move(state)) {
  setTitle(tr("4. Model"));
  setSubTitle(tr("The network each face goes through, the loss that teaches it, and how long to train; or let "
                 "a search try settings for you."));
  m_architecture = new QComboBox;
  m_architecture->addItems({"convnet", "resnet"});
  m_loss = new QComboBox;
  m_loss->addItem(tr("contrastive (distance between embeddings)"), "contrastive");
  m_loss->addItem(tr("triplet (anchor, positive, negative)"), "triplet");
  m_loss->addItem(tr("Koch et al. (sigmoid over weighted L1, cross-entropy)"), "koch");
  m_embedding = spin(8, 1024, 128);
  m_inputSize = spin(32, 224, 64);
  m_learningRate = new QDoubleSpinBox;
  m_learningRate->setDecimals(5);
  m_learningRate->setRange(0.00001, 0.1);
  m_learningRate->setSingleStep(0.0005);
  m_learningRate->setValue(0.001);
  m_epochs = spin(1, 500, 10);
  m_steps = spin(0, 100000, 0);
  m_steps->setSpecialValueText(tr("one pass over the photos"));
  m_people = spin(2, 256, 16);
  m_tune = new QCheckBox(tr("Tune automatically (dlib's global optimiser over learning rate, margin, "
                            "embedding size, depth and dropout)"));
  m_trials = spin(2, 200, 6);

  auto* form = new QFormLayout;
  form->addRow(tr("Network:"), m_architecture);
  form->addRow(tr("Loss:"), m_loss);
  form->addRow(tr("Embedding size:"), m_embedding);
  form->addRow(tr("Network input (px):"), m_inputSize);
  form->addRow(tr("Learning rate:"), m_learningRate);
  form->addRow(tr("Epochs:"), m_epochs);
  form->addRow(tr("Steps per epoch:"), m_steps);
  form->addRow(tr("People per batch (4 photos each):"), m_people);
  form->addRow(QString(), m_tune);
  form->addRow(tr("Trials:"), m_trials);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addStretch(1);
  m_trials->setEnabled(false);
  connect(m_tune, &QCheckBox::toggled, m_trials, &QWidget::setEnabled);
}

bool ModelPage::validatePage() {
  TrainConfig config;
  config.network.architecture = m_architecture->currentText().toStdString();
  config.network.embeddingSize = m_embedding->value();
  config.network.inputSize = m_inputSize->value();
  if (m_state->cache) config.network.channels = m_state->cache->settings().channels;
  config.loss = m_loss->currentData().toString().toStdString();
  config.learningRate = m_learningRate->value();
  config.epochs = m_epochs->value();
  config.stepsPerEpoch = m_steps->value();
  config.peoplePerBatch = m_people->value();
  config.seed = m_state->pairOptions.seed;
  try {
    config.validate();
  } catch (const Error& e) {
    setSubTitle(QString::fromUtf8(e.what()));
    return false;
  }
  m_state->config = config;
  m_state->tune = m_tune->isChecked();
  m_state->tuneTrials = m_trials->value();
  return true;
}

}  // namespace siamese::ui
