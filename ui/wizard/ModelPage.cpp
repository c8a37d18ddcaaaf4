#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <optional>
#include <string>

#include "ModelPage.h"
#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "eval/CropMatch.h"
#include "nn/ModelBundle.h"
#include "train/InitialModelPeople.h"

namespace siamese::ui {
namespace {

QSpinBox* spin(int low, int high, int value) {
  auto* box = new QSpinBox;
  box->setRange(low, high);
  box->setValue(value);
  return box;
}

// What the user can do about pairs whose people the model learned: split
// them as its run did, when the model says how.
std::string splitAdvice(const BundleMetadata& model, std::uint64_t pairsSeed) {
  const std::optional<std::uint64_t> seed = peopleSplitSeedOf(model);
  if (!seed) return "the wizard cannot score it honestly on them";
  if (*seed != pairsSeed) {
    return "go back to Pairs and build them with seed " + std::to_string(*seed) + ", the model's own split";
  }
  return "go back to Pairs and build them with the shares of people the model was trained with";
}

// Going on from a model: refuses pairs whose test people it trained on (a
// test score on them is no test) or whose validation people it trained on
// (the best epoch would be chosen on people it learned, that is on noise).
void refusePeopleTrainedOn(const BundleMetadata& model, const WizardState& state) {
  if (!state.pairs) throw Error("build the pairs first");
  const PairSet& pairs = *state.pairs;
  const PeopleTrainedOn seen = peopleTrainedOn(model, *state.cache, pairs[Split::Validation], pairs[Split::Test]);
  if (!seen.any()) return;
  const std::string advice = splitAdvice(model, state.pairOptions.seed);
  if (seen.test.trainedOn == 0) {
    throw Error("this model was trained on " + describeTrainedOn(seen.validation, "validation") +
                " of these pairs, so the best epoch would be chosen on people it learned; " + advice);
  }
  const std::string alsoValidation =
      seen.validation.trainedOn ? " and " + describeTrainedOn(seen.validation, "validation") : std::string();
  throw Error("this model was trained on " + describeTrainedOn(seen.test, "test") + alsoValidation + " of these pairs; " + advice);
}

}  // namespace

ModelPage::ModelPage(SharedState state) : m_state(std::move(state)) {
  setTitle(tr("4. Model"));
  setSubTitle(tr("The network each face goes through, the loss that teaches it, and how long to train; or let "
                 "a search try settings for you."));
  m_startFrom = new QComboBox;
  m_startFrom->addItem(tr("scratch: a new network of ours"), "scratch");
  m_startFrom->addItem(tr("the pretrained face tower"), "tower");
  m_startFrom->addItem(tr("a model trained before…"), "model");
  if (!QFile::exists(QString::fromStdString(faceTowerPath()))) m_startFrom->setItemData(1, false, Qt::UserRole - 1);
  m_trainable = new QComboBox;
  m_trainable->addItem(tr("a head on top (the rest frozen; trains in seconds)"), "head");
  m_trainable->addItem(tr("the tower's last two blocks and a head"), "last-blocks");
  m_trainable->addItem(tr("everything (slowest)"), "all");
  m_startModel = new QLineEdit;
  m_startModel->setPlaceholderText(tr("model bundle (.siamese)"));
  m_browse = new QPushButton(tr("Choose…"));
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
  m_averageFrom = spin(0, 500, 0);
  m_averageFrom->setSpecialValueText(tr("off"));
  m_averageFrom->setToolTip(tr("Also keep the mean of the weights of every epoch from this one to the last "
                               "(stochastic weight averaging, best with a steady learning rate). At the end it is "
                               "checked on the validation people like an epoch, and kept only when it beats the "
                               "best epoch."));
  m_tune = new QCheckBox(tr("Tune automatically (dlib's global optimiser over learning rate, margin, "
                            "embedding size, depth and dropout)"));
  m_trials = spin(2, 200, 6);

  auto* form = new QFormLayout;
  form->addRow(tr("Start from:"), m_startFrom);
  auto* modelRow = new QHBoxLayout;
  modelRow->addWidget(m_startModel, 1);
  modelRow->addWidget(m_browse);
  form->addRow(tr("Model:"), modelRow);
  form->addRow(tr("What trains:"), m_trainable);
  form->addRow(tr("Network:"), m_architecture);
  form->addRow(tr("Loss:"), m_loss);
  form->addRow(tr("Embedding size:"), m_embedding);
  form->addRow(tr("Network input (px):"), m_inputSize);
  form->addRow(tr("Learning rate:"), m_learningRate);
  form->addRow(tr("Epochs:"), m_epochs);
  form->addRow(tr("Steps per epoch:"), m_steps);
  form->addRow(tr("People per batch (4 photos each):"), m_people);
  form->addRow(tr("Average weights from epoch:"), m_averageFrom);
  form->addRow(QString(), m_tune);
  form->addRow(tr("Trials:"), m_trials);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addStretch(1);
  m_trials->setEnabled(false);
  connect(m_tune, &QCheckBox::toggled, m_trials, &QWidget::setEnabled);
  connect(m_startFrom, &QComboBox::currentIndexChanged, this, &ModelPage::showStartChoice);
  connect(m_browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Start from a model"), QString(), tr("Models (*.siamese)"));
    if (!path.isEmpty()) m_startModel->setText(path);
  });
  showStartChoice();
}

void ModelPage::showStartChoice() {
  const QString start = m_startFrom->currentData().toString();
  const bool pretrained = start != "scratch";
  m_trainable->setEnabled(pretrained);
  m_startModel->setEnabled(start == "model");
  m_browse->setEnabled(start == "model");
  // A pretrained start brings its own network.
  for (QWidget* w : std::initializer_list<QWidget*>{m_architecture, m_embedding, m_inputSize}) w->setEnabled(!pretrained);
  m_tune->setEnabled(!pretrained);
  if (pretrained) {
    m_tune->setChecked(false);
    m_learningRate->setValue(start == "tower" && m_trainable->currentData() == "head" ? 0.001 : 0.0005);
  }
}

void ModelPage::applyStart(TrainConfig& config) const {
  const QString start = m_startFrom->currentData().toString();
  if (start == "scratch") return;
  config.init.from = start == "tower" ? faceTowerPath() : m_startModel->text().toStdString();
  if (config.init.from.empty()) throw Error("choose the model to start from");
  const BundleMetadata pretrained = readBundle(config.init.from).metadata;
  config.init.train = m_trainable->currentData().toString().toStdString();
  if (config.init.train == "last-blocks" && !pretrained.network.isDlibResNet()) {
    throw Error("only the face tower has blocks to fine-tune: choose a head or everything");
  }
  config.network.projection = config.init.train == "all" ? "none" : "linear";
  config.startFrom(pretrained.network);
  if (!m_state->cache) throw Error("prepare the photos first");
  const std::string mismatch =
      cropMismatch(pretrained.input, m_state->cache->settings(), start == "tower" ? "the face tower" : "this model");
  if (!mismatch.empty()) {
    throw Error(mismatch + "; go back to Preparation and prepare the photos " +
                (start == "tower" ? std::string("for training on the face tower") : "as it expects"));
  }
  refusePeopleTrainedOn(pretrained, *m_state);
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
  config.averageFromEpoch = m_averageFrom->value();
  config.seed = m_state->pairOptions.seed;
  // The bundle records how its people were split (a run going on from it splits them so).
  config.splitSeed = m_state->pairOptions.seed;
  try {
    applyStart(config);
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
