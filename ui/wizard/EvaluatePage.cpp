#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

#include "WizardPages.h"
#include "common/Error.h"
#include "eval/Metrics.h"
#include "eval/Montage.h"
#include "eval/Protocols.h"
#include "nn/Embedder.h"

namespace siamese::ui {
namespace {

QChartView* emptyChart(const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(200);
  return view;
}

// Replaces the chart's content with `series`, on two fresh axes.
void fill(QChartView* view, const std::vector<QLineSeries*>& series, const QString& xTitle, const QString& yTitle) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  for (QAbstractAxis* axis : chart->axes()) chart->removeAxis(axis);
  auto* x = new QValueAxis;
  x->setTitleText(xTitle);
  auto* y = new QValueAxis;
  y->setTitleText(yTitle);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  double xmax = 0, ymax = 0;
  for (QLineSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    for (const QPointF& p : s->points()) {
      xmax = std::max(xmax, p.x());
      ymax = std::max(ymax, p.y());
    }
  }
  x->setRange(0, xmax > 0 ? xmax : 1);
  y->setRange(0, ymax > 0 ? ymax * 1.05 : 1);
}

// A histogram drawn as a step line, normalised to a share of its pairs.
QLineSeries* histogram(const std::vector<double>& values, double high, int bins, const QString& name) {
  std::vector<int> counts(std::size_t(bins), 0);
  for (double v : values) ++counts[std::size_t(std::clamp(int(v / high * bins), 0, bins - 1))];
  auto* series = new QLineSeries;
  series->setName(name);
  const double width = high / bins;
  for (int b = 0; b < bins; ++b) {
    const double share = values.empty() ? 0 : double(counts[std::size_t(b)]) / double(values.size());
    series->append(b * width, share);
    series->append((b + 1) * width, share);
  }
  return series;
}

}  // namespace

EvaluatePage::EvaluatePage(SharedState state) : m_state(std::move(state)) {
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
  m_roc = emptyChart(tr("ROC on the test pairs"));
  m_histogram = emptyChart(tr("Distances of test pairs"));
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
}

void EvaluatePage::initializePage() {
  m_ready = false;
  try {
    // Scoring embeds only the faces of the validation and test pairs; small
    // next to training, so it runs here rather than on a worker.
    auto embedder = Embedder::load(m_state->evaluationBundlePath);
    const FaceCache& cache = *m_state->cache;
    const std::vector<Embedding> embeddings = embedCache(*embedder, cache);
    const ScoredPairs validation = scorePairs(*embedder, embeddings, (*m_state->pairs)[Split::Validation]);
    const ScoredPairs test = scorePairs(*embedder, embeddings, (*m_state->pairs)[Split::Test]);
    m_validationDistances = validation.distances;
    m_validationSame = validation.same;
    m_testDistances = test.distances;
    m_testSame = test.same;

    auto* roc = new QLineSeries;
    roc->setName(tr("AUC %1").arg(areaUnderCurve(test), 0, 'f', 3));
    for (const RocPoint& p : rocCurve(test)) roc->append(p.falseAcceptRate, p.trueAcceptRate);
    fill(m_roc, {roc}, tr("false accept rate"), tr("true accept rate"));
    std::vector<double> same, different;
    for (std::size_t i = 0; i < test.size(); ++i) (test.same[i] ? same : different).push_back(test.distances[i]);
    const double high = *std::max_element(test.distances.begin(), test.distances.end()) * 1.02 + 1e-9;
    fill(m_histogram, {histogram(same, high, 30, tr("same person")), histogram(different, high, 30, tr("different people"))},
         tr("distance"), tr("share of pairs"));
    m_ready = true;
    chooseThreshold();
  } catch (const Error& e) {
    m_figures->setText(QString::fromUtf8(e.what()));
  }
  emit completeChanged();
}

void EvaluatePage::chooseThreshold() {
  if (!m_ready) return;
  ScoredPairs validation, test;
  for (std::size_t i = 0; i < m_validationDistances.size(); ++i) validation.add(m_validationDistances[i], m_validationSame[i]);
  for (std::size_t i = 0; i < m_testDistances.size(); ++i) test.add(m_testDistances[i], m_testSame[i]);
  double far = 1e-3;
  const std::string method = m_method->currentData().toString().toStdString();
  const ThresholdMethod parsed = parseThresholdMethod(method, &far);
  m_state->threshold = siamese::chooseThreshold(validation, parsed, far);
  m_state->thresholdMethod = method;
  m_state->testAccuracy = accuracyAt(test, m_state->threshold);
  const VerificationReport report = verificationReport(test, m_state->threshold);
  m_figures->setText(tr("Threshold %1 (%2 on %3 validation pairs). Test pairs (%4): accuracy %5%, AUC %6, "
                        "EER %7%.")
                         .arg(m_state->threshold, 0, 'f', 4)
                         .arg(QString::fromStdString(method))
                         .arg(validation.size())
                         .arg(test.size())
                         .arg(100 * m_state->testAccuracy, 0, 'f', 1)
                         .arg(report.auc, 0, 'f', 3)
                         .arg(100 * report.eer.rate, 0, 'f', 1));
  // The montage coloured by the model's verdicts at this threshold.
  const FaceCache& cache = *m_state->cache;
  const auto& pairs = (*m_state->pairs)[Split::Test];
  std::vector<MontagePair> shown;
  for (std::size_t i = 0; i < pairs.size() && shown.size() < 14; ++i) {
    shown.push_back(MontagePair{cache.crop(std::size_t(pairs[i].a)), cache.crop(std::size_t(pairs[i].b)), pairs[i].same,
                                {}, m_testDistances[i]});
  }
  MontageOptions options;
  options.columns = 7;
  options.rows = 2;
  options.faceSize = 64;
  options.threshold = m_state->threshold;
  if (!shown.empty()) showImage(m_montage, renderMontage(shown, options), 900);
}

bool EvaluatePage::isComplete() const { return m_ready; }

}  // namespace siamese::ui
