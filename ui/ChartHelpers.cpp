#include "ChartHelpers.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

namespace siamese::ui {

QChartView* makeChartView(const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(200);
  return view;
}

void clearChart(QChartView* view) {
  QChart* chart = view->chart();
  chart->removeAllSeries();
  for (QAbstractAxis* axis : chart->axes()) {
    chart->removeAxis(axis);
    delete axis;  // removeAxis hands the axis back to us
  }
}

void fillChart(QChartView* view, const std::vector<QLineSeries*>& series, const QString& xTitle, const QString& yTitle) {
  clearChart(view);
  QChart* chart = view->chart();
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

QLineSeries* histogramSeries(const std::vector<double>& values, double high, int bins, const QString& name) {
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

QLineSeries* rocSeries(const ScoredPairs& pairs) {
  auto* roc = new QLineSeries;
  roc->setName(QObject::tr("AUC %1").arg(areaUnderCurve(pairs), 0, 'f', 3));
  for (const RocPoint& p : rocCurve(pairs)) roc->append(p.falseAcceptRate, p.trueAcceptRate);
  return roc;
}

void showVerification(const ScoredPairs& pairs, QChartView* roc, QChartView* histogram) {
  fillChart(roc, {rocSeries(pairs)}, QObject::tr("false accept rate"), QObject::tr("true accept rate"));
  std::vector<double> same, different;
  for (std::size_t i = 0; i < pairs.size(); ++i) (pairs.same[i] ? same : different).push_back(pairs.distances[i]);
  const double high = *std::max_element(pairs.distances.begin(), pairs.distances.end()) * 1.02 + 1e-9;
  fillChart(histogram,
            {histogramSeries(same, high, 30, QObject::tr("same person")),
             histogramSeries(different, high, 30, QObject::tr("different people"))},
            QObject::tr("distance"), QObject::tr("share of pairs"));
}

}  // namespace siamese::ui
