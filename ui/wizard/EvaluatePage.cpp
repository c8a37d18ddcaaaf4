#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

#include "ChartHelpers.h"
#include "JobRunner.h"
#include "EvaluatePage.h"
#include "common/Error.h"
#include "eval/Metrics.h"
#include "render/Montage.h"
#include "eval/Protocols.h"
#include "nn/Embedder.h"

namespace siamese::ui {

EvaluatePage::EvaluatePage(SharedState state) : m_state(std::move(state)), m_job(new JobRunner(this, false)) {
  setTitle(tr("6. Evaluation"));
  setSubTitle(tr("The model is scored on the test people, whom it never saw. The decision threshold is chosen "
                 "on the validation pairs, by the method you pick."));
  m_method = new QComboBox;
  m_method->addItem(tr("best accuracy on validation pairs"), "best-accuracy");
  m_method->addItem(tr("equal error rate"), "eer");
  m_method->addItem(tr("midpoint of the mean distances"), "midpoint");
  m_method->addItem(tr("false accepts ≤ 1%"), "far=0.01");
  m_method->addItem(tr("false accepts ≤ 0.1%"), "far=0.001");
  m_figures = new QLabel;
  m_figures->setWordWrap(true);
  m_roc = makeChartView(tr("ROC on the test pairs"));
  m_histogram = makeChartView(tr("Distances of test pairs"));
  m_montage = new QLabel;
  m_montage->setAlignment(Qt::AlignCenter);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Threshold:")));
  top->addWidget(m_method, 1);
  auto* charts = new QHBoxLayout;
  charts->addWidget(m_roc);
  charts->addWidget(m_histogram);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(m_figures);
  layout->addLayout(charts, 1);
  layout->addWidget(m_montage);
  connect(m_method, qOverload<int>(&QComboBox::currentIndexChanged), this, &EvaluatePage::chooseThreshold);
  connect(m_job, &JobRunner::progressed, this, [this](const Progress& p) {
    m_figures->setText(tr("Embedding the faces: %1 of %2").arg(p.done).arg(p.total));
  });
  connect(m_job, &JobRunner::finished, this, [this](bool ok, bool, const QString& error) {
    if (m_rescore) {  // these results belong to an older model
      m_rescore = false;
      initializePage();
      return;
    }
    if (!ok) {
      m_figures->setText(error);
      return;
    }
    showVerification(m_test, m_roc, m_histogram);
    m_ready = true;
    chooseThreshold();
    emit completeChanged();
  });
}

EvaluatePage::~EvaluatePage() { delete m_job; }  // stop and join before the page goes

void EvaluatePage::initializePage() {
  m_ready = false;
  if (m_job->busy()) {  // an older model is still being scored: score again when it ends
    m_rescore = true;
    emit completeChanged();
    return;
  }
  m_figures->setText(tr("Scoring the validation and test pairs…"));
  emit completeChanged();
  // The trained model as it is in memory: nothing is written before Deploy.
  const BundleFile bundle = m_state->result->bundle;
  const std::shared_ptr<const FaceCache> cache = m_state->cache;
  const std::vector<Pair> validationPairs = (*m_state->pairs)[Split::Validation];
  const std::vector<Pair> testPairs = (*m_state->pairs)[Split::Test];
  m_job->start(tr("Scoring"), [this, bundle, cache, validationPairs, testPairs](const ProgressFn& progress, const StopToken&) {
    auto embedder = Embedder::fromBundle(bundle);
    const std::vector<Embedding> embeddings = embedCache(*embedder, *cache, progress);
    const ScoredPairs validation = scorePairs(*embedder, embeddings, validationPairs);
    const ScoredPairs test = scorePairs(*embedder, embeddings, testPairs);
    QMetaObject::invokeMethod(this, [this, validation, test] {
      m_validation = validation;
      m_test = test;
    }, Qt::QueuedConnection);
  });
}

bool EvaluatePage::busy() const { return m_job->busy(); }

void EvaluatePage::chooseThreshold() {
  if (!m_ready) return;
  const std::string method = m_method->currentData().toString().toStdString();
  m_state->threshold = chooseThresholdOn(m_validation, method);
  const VerificationReport report = verificationReport(m_test, m_state->threshold.value);
  m_state->testAccuracy = report.accuracy;
  m_state->testAuc = report.auc;
  m_figures->setText(tr("Threshold %1 (%2 on %3 validation pairs). Test pairs (%4): accuracy %5%, AUC %6, "
                        "EER %7%.")
                         .arg(m_state->threshold.value, 0, 'f', 4)
                         .arg(QString::fromStdString(m_state->threshold.method))
                         .arg(m_validation.size())
                         .arg(m_test.size())
                         .arg(100 * m_state->testAccuracy, 0, 'f', 1)
                         .arg(report.auc, 0, 'f', 3)
                         .arg(100 * report.eer.rate, 0, 'f', 1));
  // The montage coloured by the model's verdicts at this threshold.
  const FaceCache& cache = *m_state->cache;
  const auto& pairs = (*m_state->pairs)[Split::Test];
  std::vector<MontagePair> shown;
  for (std::size_t i = 0; i < pairs.size() && shown.size() < 14; ++i) {
    shown.push_back(MontagePair{cache.crop(std::size_t(pairs[i].a)), cache.crop(std::size_t(pairs[i].b)), pairs[i].same,
                                {}, m_test.distances[i]});
  }
  MontageOptions options;
  options.columns = 7;
  options.rows = 2;
  options.faceSize = 64;
  options.threshold = m_state->threshold.value;
  if (!shown.empty()) showImage(m_montage, renderMontage(shown, options), 900);
}

bool EvaluatePage::isComplete() const { return m_ready && !m_job->busy(); }

}  // namespace siamese::ui
