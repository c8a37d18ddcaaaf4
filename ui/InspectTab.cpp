#include "InspectTab.h"

#include <QChart>
#include <QChartView>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextStream>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <map>

#include "common/Error.h"
#include "nn/ModelBundle.h"

namespace siamese::ui {
namespace {

QChartView* makeChartView(const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(220);
  return view;
}

// Replaces the chart's series with `columns` of the history against epochs.
void plot(QChartView* view, const std::map<QString, std::vector<double>>& history, const QStringList& columns,
          const QString& yTitle) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  for (QAbstractAxis* axis : chart->axes()) chart->removeAxis(axis);
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
  m_metadata = new QTextBrowser;
  m_metadata->setHtml(tr("<p>Open a model bundle (<tt>.siamese</tt>) or a training history (<tt>.history.csv</tt>).</p>"));
  auto* openModel = new QPushButton(tr("Open model…"));
  auto* openHistoryButton = new QPushButton(tr("Open history…"));
  auto* exportButton = new QPushButton(tr("Export charts as PNG…"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(openModel);
  buttons->addWidget(openHistoryButton);
  buttons->addStretch(1);
  buttons->addWidget(exportButton);
  auto* charts = new QVBoxLayout;
  charts->addWidget(m_loss);
  charts->addWidget(m_accuracy);
  auto* body = new QHBoxLayout;
  body->addWidget(m_metadata, 2);
  body->addLayout(charts, 3);
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
  QString html = "<h3>" + QFileInfo(path).fileName().toHtmlEscaped() + "</h3><table cellpadding=3>";
  html += row(tr("model id"), QString::fromStdString(meta.modelId));
  if (!meta.name.empty()) html += row(tr("name"), QString::fromStdString(meta.name));
  html += row(tr("network"), QString::fromStdString(meta.network.architecture));
  html += row(tr("embedding size"), QString::number(meta.network.embeddingSize));
  html += row(tr("input"), tr("%1 px %2 crops (prepared at %3 px, padding %4)")
                                .arg(meta.input.size)
                                .arg(meta.input.channels == 3 ? tr("colour") : tr("grey"))
                                .arg(meta.input.cropSize)
                                .arg(meta.input.padding));
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
  html += row(tr("finished"), QString::fromStdString(meta.training.finishedAt));
  for (const auto& [name, value] : meta.metrics) html += row(QString::fromStdString(name), QString::number(value, 'g', 5));
  html += "</table>";
  m_metadata->setHtml(html);
  const QString history = path + ".history.csv";
  if (QFileInfo::exists(history)) openHistory(history);
  return true;
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

bool InspectTab::exportCharts(const QString& folder) const {
  return m_loss->grab().save(folder + "/loss.png") && m_accuracy->grab().save(folder + "/accuracy.png");
}

}  // namespace siamese::ui
