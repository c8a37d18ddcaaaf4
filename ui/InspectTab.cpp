#include "InspectTab.h"

#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextStream>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <map>

#include "ChartHelpers.h"
#include "ImageConversion.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "render/Montage.h"
#include "nn/ModelBundle.h"

namespace siamese::ui {
namespace {

// Replaces the chart's series with `columns` of the history against epochs.
void plot(QChartView* view, const std::map<QString, std::vector<double>>& history, const QStringList& columns,
          const QString& yTitle) {
  clearChart(view);
  QChart* chart = view->chart();
  const auto epochs = history.find("epoch");
  if (epochs == history.end()) return;
  auto* x = new QValueAxis;
  x->setTitleText(QObject::tr("epoch"));
  x->setLabelFormat("%d");
  auto* y = new QValueAxis;
  y->setTitleText(yTitle);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  double low = 1e300, high = -1e300;
  for (const QString& column : columns) {
    const auto values = history.find(column);
    if (values == history.end()) continue;
    auto* series = new QLineSeries;
    series->setName(QString(column).replace('_', ' '));
    for (std::size_t i = 0; i < values->second.size() && i < epochs->second.size(); ++i) {
      series->append(epochs->second[i], values->second[i]);
      low = std::min(low, values->second[i]);
      high = std::max(high, values->second[i]);
    }
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
  }
  if (low <= high) y->setRange(low - 0.05 * (high - low + 1e-9), high + 0.05 * (high - low + 1e-9));
  x->setRange(epochs->second.empty() ? 0 : epochs->second.front(), epochs->second.empty() ? 1 : epochs->second.back());
  // Whole epochs only: ticks at 1, 2, 3 … (or every n-th on long runs).
  x->setTickType(QValueAxis::TicksDynamic);
  x->setTickAnchor(epochs->second.empty() ? 1 : epochs->second.front());
  x->setTickInterval(std::max(1.0, std::ceil(double(epochs->second.size()) / 10)));
}

QString row(const QString& key, const QString& value) {
  return "<tr><td><b>" + key.toHtmlEscaped() + "</b></td><td>" + value.toHtmlEscaped() + "</td></tr>";
}

}  // namespace

InspectTab::InspectTab(QWidget* parent) : QWidget(parent) {
  m_loss = makeChartView(tr("Loss"));
  m_accuracy = makeChartView(tr("Validation accuracy and AUC"));
  m_roc = makeChartView(tr("ROC"));
  m_histogram = makeChartView(tr("Distances"));
  m_verification = new QLabel(tr("Open scored pairs (siamese eval --distances out.csv) to see the ROC, the distance "
                                 "histograms and a montage of the verdicts."));
  m_verification->setWordWrap(true);
  m_montage = new QLabel;
  m_montage->setAlignment(Qt::AlignCenter);
  m_metadata = new QTextBrowser;
  m_metadata->setHtml(tr("<p>Open a model bundle (<tt>.siamese</tt>) or a training history (<tt>.history.csv</tt>).</p>"));
  auto* openModel = new QPushButton(tr("Open model…"));
  auto* openHistoryButton = new QPushButton(tr("Open history…"));
  auto* openPairsButton = new QPushButton(tr("Open scored pairs…"));
  auto* exportButton = new QPushButton(tr("Export charts as PNG…"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(openModel);
  buttons->addWidget(openHistoryButton);
  buttons->addWidget(openPairsButton);
  buttons->addStretch(1);
  buttons->addWidget(exportButton);
  auto* training = new QWidget;
  auto* charts = new QVBoxLayout(training);
  charts->addWidget(m_loss);
  charts->addWidget(m_accuracy);
  auto* verification = new QWidget;
  auto* verificationLayout = new QVBoxLayout(verification);
  auto* verificationCharts = new QHBoxLayout;
  verificationCharts->addWidget(m_roc);
  verificationCharts->addWidget(m_histogram);
  verificationLayout->addWidget(m_verification);
  verificationLayout->addLayout(verificationCharts, 1);
  verificationLayout->addWidget(m_montage);
  m_views = new QTabWidget;
  m_views->addTab(training, tr("Training curves"));
  m_views->addTab(verification, tr("Verification"));
  auto* body = new QHBoxLayout;
  body->addWidget(m_metadata, 2);
  body->addWidget(m_views, 3);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addLayout(body, 1);

  connect(openModel, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), {}, tr("Model bundles (*.siamese)"));
    if (!path.isEmpty()) openBundle(path);
  });
  connect(openHistoryButton, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open history"), {}, tr("Training histories (*.csv)"));
    if (!path.isEmpty()) openHistory(path);
  });
  connect(openPairsButton, &QPushButton::clicked, this, [this] {
    const QString csv = QFileDialog::getOpenFileName(this, tr("Scored pairs"), {}, tr("Pair lists (*.csv)"));
    if (csv.isEmpty()) return;
    const QString cache = QFileDialog::getOpenFileName(this, tr("Face cache of these photos (for the montage; optional)"),
                                                       {}, tr("Face caches (*.cache)"));
    openScoredPairs(csv, cache);
  });
  connect(exportButton, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export charts to"));
    if (!folder.isEmpty() && !exportCharts(folder)) QMessageBox::warning(this, tr("Export"), tr("Could not write to %1").arg(folder));
  });
}

bool InspectTab::openBundle(const QString& path) {
  BundleMetadata meta;
  try {
    meta = readBundle(path.toStdString()).metadata;
  } catch (const Error& e) {
    m_metadata->setHtml("<p><b>" + tr("Cannot open this model") + "</b></p><p>" + QString::fromUtf8(e.what()).toHtmlEscaped() + "</p>");
    return false;
  }
  showBundle(path, meta);
  return true;
}

void InspectTab::showBundle(const QString& path, const BundleMetadata& meta) {
  QString html = "<h3>" + QFileInfo(path).fileName().toHtmlEscaped() + "</h3><table cellpadding=3>";
  html += row(tr("model id"), QString::fromStdString(meta.modelId));
  if (!meta.name.empty()) html += row(tr("name"), QString::fromStdString(meta.name));
  html += row(tr("network"), QString::fromStdString(meta.network.architecture));
  html += row(tr("embedding size"), QString::number(meta.network.embeddingSize));
  html += row(tr("input"), tr("%1 px %2 crops (prepared at %3 px, padding %4)%5")
                                .arg(meta.input.size)
                                .arg(meta.input.channels == 3 ? tr("colour") : tr("grey"))
                                .arg(meta.input.cropSize)
                                .arg(meta.input.padding)
                                .arg(meta.input.mirrorAverage ? tr(", averaged with their mirror images") : QString()));
  if (!meta.int8.empty()) {
    html += row(tr("inference"), tr("8-bit integers on the CPU, calibrated on %1")
                                     .arg(QString::fromStdString(meta.int8.calibratedOn).toHtmlEscaped()));
  }
  if (meta.bfloat16) html += row(tr("inference"), tr("bfloat16 on CPUs that compute it, else float32"));
  html += row(tr("distance"), QString::fromStdString(meta.distance));
  html += row(tr("threshold"), tr("%1 (%2, chosen on %3)")
                                    .arg(meta.threshold.value, 0, 'f', 4)
                                    .arg(QString::fromStdString(meta.threshold.method))
                                    .arg(QString::fromStdString(meta.threshold.chosenOn)));
  html += row(tr("loss"), QString::fromStdString(meta.training.loss));
  html += row(tr("trained on"), tr("%1: %2 people, %3 photos, %4 epochs, %5 min")
                                     .arg(QString::fromStdString(meta.training.dataset))
                                     .arg(meta.training.people)
                                     .arg(meta.training.photos)
                                     .arg(meta.training.epochs)
                                     .arg(meta.training.seconds / 60, 0, 'f', 0));
  if (!meta.training.initialisedFrom.empty()) {
    html += row(tr("started from"), QString::fromStdString(meta.training.initialisedFrom).toHtmlEscaped());
  }
  html += row(tr("finished"), QString::fromStdString(meta.training.finishedAt));
  for (const auto& [name, value] : meta.metrics) html += row(QString::fromStdString(name), QString::number(value, 'g', 5));
  html += "</table>";
  m_metadata->setHtml(html);
  m_bundleThreshold = meta.threshold.value;
  const QString history = path + ".history.csv";
  if (QFileInfo::exists(history)) openHistory(history);
}

bool InspectTab::openHistory(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return false;
  QTextStream in(&file);
  const QStringList header = in.readLine().split(',');
  std::map<QString, std::vector<double>> history;
  while (!in.atEnd()) {
    const QStringList fields = in.readLine().split(',');
    if (fields.size() != header.size()) continue;  // a run stopped mid-line
    for (int i = 0; i < header.size(); ++i) history[header[i].trimmed()].push_back(fields[i].toDouble());
  }
  if (!history.count("epoch")) return false;
  plot(m_loss, history, {"train_loss", "validation_loss"}, tr("loss"));
  plot(m_accuracy, history, {"validation_accuracy", "validation_auc"}, tr("share"));
  return true;
}

QString InspectTab::metadataText() const { return m_metadata->toPlainText(); }

int InspectTab::lossPoints() const {
  const auto series = m_loss->chart()->series();
  if (series.isEmpty()) return 0;
  return int(static_cast<QLineSeries*>(series.front())->count());
}

bool InspectTab::openScoredPairs(const QString& csvPath, const QString& cachePath) {
  try {
    const std::vector<PairRow> rows = readPairsCsv(csvPath.toStdString());
    ScoredPairs scored;
    for (const PairRow& row : rows) {
      if (row.distance) scored.add(*row.distance, row.same);
    }
    if (scored.size() == 0) throw Error(csvPath.toStdString() + ": no distances in this pair list (write one with siamese eval --distances)");
    showVerification(scored, m_roc, m_histogram);
    const bool ownThreshold = m_bundleThreshold >= 0;
    const double threshold = ownThreshold ? m_bundleThreshold : siamese::chooseThreshold(scored, ThresholdMethod::BestAccuracy);
    m_verification->setText(tr("%1: %2 pairs, accuracy %3% at threshold %4 (%5)")
                                .arg(QFileInfo(csvPath).fileName())
                                .arg(scored.size())
                                .arg(100 * accuracyAt(scored, threshold), 0, 'f', 2)
                                .arg(threshold, 0, 'f', 4)
                                .arg(ownThreshold ? tr("the open model's") : tr("best accuracy on these pairs")));
    m_montage->clear();
    if (!cachePath.isEmpty()) {
      const FaceCache cache = FaceCache::load(cachePath.toStdString());
      const std::vector<Pair> pairs = resolvePairs(rows, cache, true);
      std::vector<MontagePair> shown;
      for (std::size_t i = 0; i < pairs.size() && shown.size() < 14; ++i) {
        if (pairs[i].a < 0 || pairs[i].b < 0 || !rows[i].distance) continue;  // a photo without a face
        shown.push_back(MontagePair{cache.crop(std::size_t(pairs[i].a)), cache.crop(std::size_t(pairs[i].b)),
                                    pairs[i].same, {}, rows[i].distance});
      }
      MontageOptions options;
      options.columns = 7;
      options.rows = 2;
      options.faceSize = 64;
      options.threshold = threshold;
      QPixmap montage = QPixmap::fromImage(toQImage(renderMontage(shown, options)));
      m_montage->setPixmap(montage.width() > 900 ? montage.scaledToWidth(900, Qt::SmoothTransformation) : montage);
    }
    m_views->setCurrentIndex(1);
    return true;
  } catch (const Error& e) {
    m_verification->setText(QString::fromUtf8(e.what()));
    return false;
  }
}

QString InspectTab::verificationText() const { return m_verification->text(); }

bool InspectTab::exportCharts(const QString& folder) const {
  bool ok = true;
  for (const auto& [view, name] : {std::pair{m_loss, "loss"}, {m_accuracy, "accuracy"}, {m_roc, "roc"}, {m_histogram, "distances"}}) {
    ok = saveOwnerOnly(view->grab().toImage(), folder + "/" + name + ".png") && ok;
  }
  return ok;
}

}  // namespace siamese::ui
