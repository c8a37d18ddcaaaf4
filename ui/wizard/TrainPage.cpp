#include <QChart>
#include <QChartView>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include "JobRunner.h"
#include "TrainPage.h"
#include "nn/Embedder.h"
#include "train/TrainingRecipe.h"

namespace siamese::ui {
namespace {

QLineSeries* seriesOf(QChartView* view, int index) {
  return static_cast<QLineSeries*>(view->chart()->series().at(index));
}

}  // namespace

TrainPage::TrainPage(SharedState state) : m_state(std::move(state)), m_job(new JobRunner(this, false)) {
  setTitle(tr("5. Training"));
  setSubTitle(tr("The network learns from the training pairs and is scored on the validation pairs after every "
                 "epoch; the best epoch's weights are kept (or the mean of the last epochs' weights, when the model "
                 "page asks for it and it does better). Stop pauses: a checkpoint is kept and Resume goes on from it."));
  m_start = new QPushButton(tr("Start training"));
  m_stop = new QPushButton(tr("Stop"));
  m_stop->setEnabled(false);
  m_progress = new QProgressBar;
  m_status = new QLabel;
  m_status->setWordWrap(true);
  auto* chart = new QChart;
  chart->setTitle(tr("Loss and validation accuracy per epoch"));
  for (const QString& name : {tr("train loss"), tr("validation loss"), tr("validation accuracy")}) {
    auto* series = new QLineSeries;
    series->setName(name);
    series->setPointsVisible(true);
    chart->addSeries(series);
  }
  auto* epochs = new QValueAxis;
  epochs->setTitleText(tr("epoch"));
  epochs->setLabelFormat("%d");
  auto* loss = new QValueAxis;
  loss->setTitleText(tr("loss"));
  auto* accuracy = new QValueAxis;
  accuracy->setTitleText(tr("accuracy"));
  accuracy->setRange(0.4, 1.0);
  chart->addAxis(epochs, Qt::AlignBottom);
  chart->addAxis(loss, Qt::AlignLeft);
  chart->addAxis(accuracy, Qt::AlignRight);
  for (int i = 0; i < 3; ++i) {
    chart->series().at(i)->attachAxis(epochs);
    chart->series().at(i)->attachAxis(i < 2 ? loss : accuracy);
  }
  m_chart = new QChartView(chart);
  m_chart->setRenderHint(QPainter::Antialiasing);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_start);
  buttons->addWidget(m_stop);
  buttons->addWidget(m_progress, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(m_status);
  layout->addWidget(m_chart, 1);

  connect(m_start, &QPushButton::clicked, this, &TrainPage::startTraining);
  connect(m_stop, &QPushButton::clicked, m_job, &JobRunner::cancel);
  connect(m_job, &JobRunner::finished, this, [this](bool ok, bool cancelled, const QString& error) {
    m_start->setEnabled(true);
    m_stop->setEnabled(false);
    holdBackButton(this, false);
    // A run stopped after its first epoch left a checkpoint: Start continues from it.
    m_resumable = cancelled && QFile::exists(m_state->workFolder + "/model.ckpt");
    m_start->setText(m_resumable ? tr("Resume training") : tr("Start training"));
    if (!ok) {
      m_status->setText(error);
    } else if (m_state->result) {
      const TrainResult& r = *m_state->result;
      // Step reports are throttled, so the last ones may never have come.
      if (!cancelled) m_progress->setValue(m_progress->maximum());
      // Which weights the model holds: the best epoch's, or the mean of several that beat it.
      QString average = QString::fromStdString(describeWeightAverage(r.average));
      if (!average.isEmpty()) average = " " + average.left(1).toUpper() + average.mid(1) + ".";
      m_status->setText(tr("%1: best epoch %2 of %3 on %4%5.%6 Evaluate it next; it is saved when you deploy it.")
                            .arg(cancelled ? tr("Stopped") : tr("Done"))
                            .arg(r.bestEpoch)
                            .arg(r.history.size())
                            .arg(QString::fromStdString(r.device))
                            .arg(r.earlyStopped ? tr(" (stopped early: validation loss no longer improving)") : QString())
                            .arg(average));
    }
    emit completeChanged();
  });
}

TrainPage::~TrainPage() { delete m_job; }  // stop and join before the page goes

void TrainPage::initializePage() {
  m_status->setText(tr("Will train on %1. Press Start.").arg(QString::fromStdString(autoDeviceName()).toUpper()));
}

void TrainPage::addEpoch(const EpochRecord& r) {
  seriesOf(m_chart, 0)->append(r.epoch, r.trainLoss);
  seriesOf(m_chart, 1)->append(r.epoch, r.validationLoss);
  seriesOf(m_chart, 2)->append(r.epoch, r.validationAccuracy);
  const auto axes = m_chart->chart()->axes();
  auto* epochAxis = static_cast<QValueAxis*>(axes.at(0));
  epochAxis->setRange(1, std::max(2, r.epoch));
  // Whole epochs only: ticks at 1, 2, 3 … (or every n-th on long runs).
  epochAxis->setTickType(QValueAxis::TicksDynamic);
  epochAxis->setTickAnchor(1);
  epochAxis->setTickInterval(std::max(1, (r.epoch + 9) / 10));
  double high = 0;
  for (int s = 0; s < 2; ++s) {
    for (const QPointF& p : seriesOf(m_chart, s)->points()) high = std::max(high, p.y());
  }
  static_cast<QValueAxis*>(axes.at(1))->setRange(0, high * 1.1 + 1e-6);
}

void TrainPage::startTraining() {
  if (m_job->busy() || !m_state->cache || !m_state->pairs) return;
  const bool resume = m_resumable;
  if (!resume) {
    for (int s = 0; s < 3; ++s) seriesOf(m_chart, s)->clear();
  }
  m_state->result.reset();
  m_start->setEnabled(false);
  m_stop->setEnabled(true);
  emit completeChanged();

  const SharedState state = m_state;
  const std::string folder = m_state->workFolder.toStdString();
  // The job keeps its own references: pages behind may replace the state's.
  const std::shared_ptr<const FaceCache> cache = m_state->cache;
  const PairSet pairs = *m_state->pairs;
  if (!resume) QFile::remove(m_state->workFolder + "/model.ckpt");  // an older run's checkpoint is not this run's
  holdBackButton(this, true);
  // A resumed run must continue with the settings its checkpoint was made with.
  if (!resume) m_lastConfig = m_state->config;
  const TrainConfig startConfig = m_lastConfig;
  m_job->start(tr("Training"), [this, state, folder, resume, startConfig, cache, pairs](const ProgressFn&, const StopToken& stop) {
    TrainingRecipe recipe;
    recipe.config = startConfig;
    if (state->tune) {
      recipe.search = TuneOptions{};
      recipe.search->trials = state->tuneTrials;
      recipe.searchProgress = [this](const TuneTrial& t, int n) {
        QMetaObject::invokeMethod(this, [this, t, n] {
          m_status->setText(tr("Tuning: trial %1 of %2, validation AUC %3").arg(t.number).arg(n).arg(t.validationAuc, 0, 'f', 3));
        }, Qt::QueuedConnection);
      };
    }
    TrainOptions& options = recipe.train;
    options.checkpointPath = folder + "/model.ckpt";
    options.resume = resume;
    options.stop = &stop;
    options.progress = [this](const TrainProgress& p) {
      const std::optional<EpochRecord> finished = p.finishedEpoch ? std::optional<EpochRecord>(*p.finishedEpoch) : std::nullopt;
      QMetaObject::invokeMethod(this, [this, p, finished] {
        if (finished) {
          addEpoch(*finished);
          return;
        }
        m_progress->setRange(0, int(p.stepsPerEpoch));
        m_progress->setValue(int(p.step));
        m_status->setText(tr("Epoch %1 of %2: loss %3, %4 images/s, about %5 min left")
                              .arg(p.epoch).arg(p.epochs).arg(p.loss, 0, 'f', 4).arg(p.imagesPerSecond, 0, 'f', 0)
                              .arg(p.etaSeconds / 60, 0, 'f', 1));
      }, Qt::QueuedConnection);
    };
    options.featureProgress = [this](const Progress& p) {
      QMetaObject::invokeMethod(this, [this, p] {
        m_progress->setRange(0, int(p.total));
        m_progress->setValue(int(p.done));
        m_status->setText(tr("Running the frozen layers once over every photo: %1 of %2").arg(p.done).arg(p.total));
      }, Qt::QueuedConnection);
    };
    TrainingOutcome outcome = runTrainingRecipe(*cache, trainDataFrom(pairs), recipe);
    if (outcome.searchOnly()) return;
    // A resumed run must continue with the settings the search chose.
    QMetaObject::invokeMethod(this, [this, config = outcome.trainedWith] { m_lastConfig = config; }, Qt::QueuedConnection);
    if (outcome.trained.bundle.weights.empty()) return;  // stopped before the first epoch ended
    // The model stays in memory: Evaluate scores it, Deploy writes it once.
    QMetaObject::invokeMethod(this, [this, result = std::move(outcome.trained)]() mutable {
      m_state->result = std::move(result);
    }, Qt::QueuedConnection);
  });
}

bool TrainPage::busy() const { return m_job->busy(); }

QString TrainPage::statusText() const { return m_status->text(); }

bool TrainPage::isComplete() const { return m_state->result.has_value() && !m_job->busy(); }

}  // namespace siamese::ui
