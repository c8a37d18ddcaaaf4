#include "render/Charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "vision/CvInterop.h"

namespace siamese {
namespace {

constexpr int kLeft = 80, kRight = 30, kTop = 50, kBottom = 60;
const cv::Scalar kInk(40, 40, 40), kGrid(225, 225, 225);

cv::Scalar toScalar(const std::array<std::uint8_t, 3>& c) { return cv::Scalar(c[0], c[1], c[2]); }

// Tick step of 1, 2 or 5 times a power of ten giving about `count` ticks.
double niceStep(double range, int count) {
  const double raw = range / std::max(1, count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10 * power;
}

std::string tickText(double v, double step) {
  char text[32];
  const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  std::snprintf(text, sizeof text, "%.*f", std::min(decimals, 6), std::abs(v) < step * 1e-6 ? 0.0 : v);
  return text;
}

struct Frame {
  cv::Mat canvas;
  double x0, x1, y0, y1;
  cv::Rect plot;

  cv::Point at(double x, double y) const {
    const double fx = (x - x0) / (x1 - x0), fy = (y - y0) / (y1 - y0);
    return cv::Point(plot.x + int(std::lround(fx * plot.width)), plot.y + plot.height - int(std::lround(fy * plot.height)));
  }
};

void text(cv::Mat& m, const std::string& s, cv::Point p, double scale = 0.45, cv::Scalar colour = kInk, bool centred = false) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  if (centred) p.x -= size.width / 2;
  cv::putText(m, s, p, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
}

Frame makeFrame(const ChartOptions& o, double x0, double x1, double y0, double y1) {
  if (x1 - x0 < 1e-12) x1 = x0 + 1;
  if (y1 - y0 < 1e-12) y1 = y0 + 1;
  Frame f{cv::Mat(o.height, o.width, CV_8UC3, cv::Scalar(255, 255, 255)), x0, x1, y0, y1,
          cv::Rect(kLeft, kTop, o.width - kLeft - kRight, o.height - kTop - kBottom)};
  const double xs = niceStep(x1 - x0, 8), ys = niceStep(y1 - y0, 6);
  for (double v = std::ceil(x0 / xs) * xs; v <= x1 + xs * 1e-6; v += xs) {
    const cv::Point p = f.at(v, y0);
    cv::line(f.canvas, cv::Point(p.x, f.plot.y), cv::Point(p.x, f.plot.y + f.plot.height), kGrid);
    text(f.canvas, tickText(v, xs), cv::Point(p.x, f.plot.y + f.plot.height + 18), 0.4, kInk, true);
  }
  for (double v = std::ceil(y0 / ys) * ys; v <= y1 + ys * 1e-6; v += ys) {
    const cv::Point p = f.at(x0, v);
    cv::line(f.canvas, cv::Point(f.plot.x, p.y), cv::Point(f.plot.x + f.plot.width, p.y), kGrid);
    text(f.canvas, tickText(v, ys), cv::Point(8, p.y + 5), 0.4);
  }
  cv::rectangle(f.canvas, f.plot, kInk, 1);
  text(f.canvas, o.title, cv::Point(o.width / 2, 30), 0.6, kInk, true);
  text(f.canvas, o.xLabel, cv::Point(f.plot.x + f.plot.width / 2, o.height - 15), 0.45, kInk, true);
  // The y label goes above the axis: OpenCV cannot draw rotated text.
  text(f.canvas, o.yLabel, cv::Point(8, kTop - 10), 0.45);
  return f;
}

void legend(Frame& f, const std::vector<Series>& series) {
  int y = f.plot.y + 20;
  for (const Series& s : series) {
    if (s.label.empty()) continue;
    const int x = f.plot.x + f.plot.width - 210;
    cv::rectangle(f.canvas, cv::Rect(x, y - 9, 22, 10), toScalar(s.colour), cv::FILLED);
    text(f.canvas, s.label, cv::Point(x + 30, y), 0.42);
    y += 20;
  }
}

void marker(Frame& f, const ChartOptions& o) {
  if (!o.markerX) return;
  const cv::Point top = f.at(*o.markerX, f.y1), bottom = f.at(*o.markerX, f.y0);
  for (int y = top.y; y < bottom.y; y += 10) {
    cv::line(f.canvas, cv::Point(top.x, y), cv::Point(top.x, std::min(y + 5, bottom.y)), kInk, 1);
  }
  text(f.canvas, o.markerLabel, cv::Point(top.x + 5, top.y + 15), 0.4);
}

}  // namespace

std::array<std::uint8_t, 3> chartColour(int index) {
  static const std::array<std::uint8_t, 3> kColours[] = {
      {180, 119, 31}, {14, 127, 255}, {44, 160, 44}, {40, 39, 214}, {189, 103, 148}};
  return kColours[std::size_t(index) % 5];
}

Image renderLineChart(const std::vector<Series>& series, const ChartOptions& o) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series& s : series) {
    for (double v : s.x) { x0 = std::min(x0, v); x1 = std::max(x1, v); }
    for (double v : s.y) { y0 = std::min(y0, v); y1 = std::max(y1, v); }
  }
  if (!std::isfinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  const double pad = (y1 - y0) * 0.05;
  Frame f = makeFrame(o, o.xMin.value_or(x0), o.xMax.value_or(x1), o.yMin.value_or(y0 - pad), o.yMax.value_or(y1 + pad));
  for (const Series& s : series) {
    std::vector<cv::Point> points;
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) points.push_back(f.at(s.x[i], s.y[i]));
    if (points.size() > 1) cv::polylines(f.canvas, points, false, toScalar(s.colour), 2, cv::LINE_AA);
    if (points.size() <= 60) {
      for (const cv::Point& p : points) cv::circle(f.canvas, p, 3, toScalar(s.colour), cv::FILLED, cv::LINE_AA);
    }
  }
  marker(f, o);
  legend(f, series);
  return detail::fromMat(f.canvas);
}

Image renderHistogram(const std::vector<Series>& series, int bins, const ChartOptions& o) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : series)
    for (double v : s.x) { lo = std::min(lo, v); hi = std::max(hi, v); }
  if (!std::isfinite(lo)) { lo = 0; hi = 1; }
  lo = o.xMin.value_or(lo);
  hi = o.xMax.value_or(hi);
  if (hi - lo < 1e-12) hi = lo + 1;
  bins = std::max(1, bins);
  std::vector<std::vector<double>> fractions;
  double top = 0;
  for (const Series& s : series) {
    std::vector<double> counts(std::size_t(bins), 0);
    for (double v : s.x) {
      const int b = std::clamp(int((v - lo) / (hi - lo) * bins), 0, bins - 1);
      counts[std::size_t(b)] += 1;
    }
    for (double& c : counts) {
      c /= double(std::max<std::size_t>(1, s.x.size()));
      top = std::max(top, c);
    }
    fractions.push_back(counts);
  }
  Frame f = makeFrame(o, lo, hi, 0, o.yMax.value_or(top * 1.1));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const cv::Scalar colour = toScalar(series[k].colour);
    cv::Mat overlay = f.canvas.clone();
    for (int b = 0; b < bins; ++b) {
      const cv::Point a = f.at(lo + (hi - lo) * b / bins, 0);
      const cv::Point c = f.at(lo + (hi - lo) * (b + 1) / bins, fractions[k][std::size_t(b)]);
      cv::rectangle(overlay, cv::Rect(cv::Point(a.x, c.y), cv::Point(c.x, a.y)), colour, cv::FILLED);
      cv::rectangle(f.canvas, cv::Rect(cv::Point(a.x, c.y), cv::Point(c.x, a.y)), colour, 1);
    }
    cv::addWeighted(overlay, 0.3, f.canvas, 0.7, 0, f.canvas);
  }
  marker(f, o);
  legend(f, series);
  return detail::fromMat(f.canvas);
}

}  // namespace siamese
