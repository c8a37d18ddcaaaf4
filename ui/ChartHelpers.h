#pragma once
// Chart pieces shared by the wizard's evaluation page and the Inspect tab:
// a line chart filled from series, a histogram as a step line, and the ROC
// of scored pairs.

#include <QString>
#include <vector>

#include "eval/Metrics.h"

class QChartView;
class QLineSeries;

namespace siamese::ui {

/// A chart view with a title and no data yet.
QChartView* makeChartView(const QString& title);

/// Removes the chart's series and axes (freeing them), ready for new ones.
void clearChart(QChartView* view);

/// Replaces the chart's content with `series` on fresh axes from 0 to the
/// largest x and y.
void fillChart(QChartView* view, const std::vector<QLineSeries*>& series, const QString& xTitle, const QString& yTitle);

/// A histogram of `values` over [0, high) drawn as a step line, each bin
/// as a share of the values (so sets of different sizes compare).
QLineSeries* histogramSeries(const std::vector<double>& values, double high, int bins, const QString& name);

/// The ROC curve of `pairs` (false accept rate → true accept rate), named
/// with its AUC.
QLineSeries* rocSeries(const ScoredPairs& pairs);

/// ROC and same/different distance histograms of `pairs` into two views.
void showVerification(const ScoredPairs& pairs, QChartView* roc, QChartView* histogram);

}  // namespace siamese::ui
