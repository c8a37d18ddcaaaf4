#pragma once
/// \file Charts.h
/// Small chart renderer for the CLI's PNGs: training curves, ROC curves,
/// distance histograms. Axes with "nice" ticks, grid, legend, title.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/Image.h"

namespace siamese {

struct Series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  std::array<std::uint8_t, 3> colour{200, 90, 30};  ///< BGR
};

struct ChartOptions {
  std::string title;
  std::string xLabel;
  std::string yLabel;
  int width = 800;
  int height = 500;
  std::optional<double> yMin, yMax;   ///< fixed y range (else from the data)
  std::optional<double> xMin, xMax;
  std::optional<double> markerX;      ///< a dashed vertical line (e.g. the threshold)
  std::string markerLabel;
};

/// Lines through each series' points.
Image renderLineChart(const std::vector<Series>& series, const ChartOptions& options);

/// Overlaid histograms (as outlined, lightly filled bars) of each series'
/// `x` values over a shared range, `bins` bins, normalised to fractions.
Image renderHistogram(const std::vector<Series>& series, int bins, const ChartOptions& options);

/// Colours that stay apart on white: blue, orange, green, red, purple.
std::array<std::uint8_t, 3> chartColour(int index);

}  // namespace siamese
