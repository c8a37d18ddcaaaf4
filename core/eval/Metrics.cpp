#include "eval/Metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/Error.h"

namespace siamese {
namespace {

// Pair indices sorted by distance, ascending.
std::vector<std::size_t> byDistance(const ScoredPairs& pairs) {
  std::vector<std::size_t> order(pairs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pairs.distances[a] < pairs.distances[b]; });
  return order;
}

std::pair<std::size_t, std::size_t> counts(const ScoredPairs& pairs) {
  const auto positives = std::size_t(std::count(pairs.same.begin(), pairs.same.end(), true));
  return {positives, pairs.size() - positives};
}

void requireBothKinds(const ScoredPairs& pairs) {
  const auto [positives, negatives] = counts(pairs);
  if (positives == 0 || negatives == 0) throw Error("metrics need both same and different pairs");
}

}  // namespace

double accuracyAt(const ScoredPairs& pairs, double threshold) {
  if (pairs.size() == 0) return 0;
  std::size_t right = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) right += ((pairs.distances[i] < threshold) == pairs.same[i]) ? 1 : 0;
  return double(right) / double(pairs.size());
}

std::vector<RocPoint> rocCurve(const ScoredPairs& pairs) {
  requireBothKinds(pairs);
  const auto [positives, negatives] = counts(pairs);
  const auto order = byDistance(pairs);
  std::vector<RocPoint> curve;
  curve.push_back(RocPoint{order.empty() ? 0 : pairs.distances[order.front()], 0, 0});
  std::size_t tp = 0, fp = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    (pairs.same[i] ? tp : fp) += 1;
    // One point per distinct distance: a threshold just above it accepts all up to here.
    if (k + 1 < order.size() && pairs.distances[order[k + 1]] == pairs.distances[i]) continue;
    const double next = k + 1 < order.size() ? pairs.distances[order[k + 1]] : pairs.distances[i] + 1e-9;
    curve.push_back(RocPoint{(pairs.distances[i] + next) / 2, double(fp) / double(negatives), double(tp) / double(positives)});
  }
  return curve;
}

double areaUnderCurve(const ScoredPairs& pairs) {
  const auto curve = rocCurve(pairs);
  double area = 0;
  for (std::size_t k = 1; k < curve.size(); ++k) {
    area += (curve[k].falseAcceptRate - curve[k - 1].falseAcceptRate) *
            (curve[k].trueAcceptRate + curve[k - 1].trueAcceptRate) / 2;
  }
  return area;
}

EqualErrorRate equalErrorRate(const ScoredPairs& pairs) {
  const auto curve = rocCurve(pairs);
  // Walk the curve to where FAR crosses FRR = 1 − TAR; interpolate there.
  for (std::size_t k = 1; k < curve.size(); ++k) {
    const double before = curve[k - 1].falseAcceptRate - (1 - curve[k - 1].trueAcceptRate);
    const double after = curve[k].falseAcceptRate - (1 - curve[k].trueAcceptRate);
    if (before <= 0 && after >= 0) {
      const double t = (after - before) > 0 ? -before / (after - before) : 0;
      const double far = curve[k - 1].falseAcceptRate + t * (curve[k].falseAcceptRate - curve[k - 1].falseAcceptRate);
      const double frr = 1 - (curve[k - 1].trueAcceptRate + t * (curve[k].trueAcceptRate - curve[k - 1].trueAcceptRate));
      const double threshold = curve[k - 1].threshold + t * (curve[k].threshold - curve[k - 1].threshold);
      return EqualErrorRate{(far + frr) / 2, threshold};
    }
  }
  return EqualErrorRate{0.5, curve.back().threshold};
}

RocPoint operatingPointAtFar(const ScoredPairs& pairs, double far) {
  const auto curve = rocCurve(pairs);
  RocPoint best = curve.front();
  for (const RocPoint& p : curve) {
    if (p.falseAcceptRate <= far + 1e-12) best = p;
  }
  return best;
}

ThresholdMethod parseThresholdMethod(const std::string& text, double* targetFar) {
  if (text == "midpoint") return ThresholdMethod::Midpoint;
  if (text == "best-accuracy") return ThresholdMethod::BestAccuracy;
  if (text == "eer") return ThresholdMethod::Eer;
  if (text.rfind("far=", 0) == 0) {
    try {
      const double far = std::stod(text.substr(4));
      if (far <= 0 || far >= 1) throw Error("");
      if (targetFar) *targetFar = far;
      return ThresholdMethod::TargetFar;
    } catch (const std::exception&) {
    }
  }
  throw Error("unknown threshold method '" + text + "' (choose midpoint, best-accuracy, eer or far=<rate>, e.g. far=0.001)");
}

std::string thresholdMethodName(ThresholdMethod method, double targetFar) {
  switch (method) {
    case ThresholdMethod::Midpoint: return "midpoint";
    case ThresholdMethod::BestAccuracy: return "best-accuracy";
    case ThresholdMethod::Eer: return "eer";
    case ThresholdMethod::TargetFar: {
      char text[32];
      std::snprintf(text, sizeof text, "far=%g", targetFar);
      return text;
    }
  }
  return "?";
}

double chooseThreshold(const ScoredPairs& pairs, ThresholdMethod method, double targetFar) {
  requireBothKinds(pairs);
  switch (method) {
    case ThresholdMethod::Midpoint: {
      double same = 0, different = 0;
      const auto [positives, negatives] = counts(pairs);
      for (std::size_t i = 0; i < pairs.size(); ++i) (pairs.same[i] ? same : different) += pairs.distances[i];
      return (same / double(positives) + different / double(negatives)) / 2;
    }
    case ThresholdMethod::BestAccuracy: {
      // Accuracy at a ROC point is (true accepts + true rejects) / pairs.
      const auto [positives, negatives] = counts(pairs);
      double best = -1, bestThreshold = 0;
      for (const RocPoint& p : rocCurve(pairs)) {
        const double accuracy = (p.trueAcceptRate * double(positives) + (1 - p.falseAcceptRate) * double(negatives)) /
                                double(pairs.size());
        if (accuracy > best) {
          best = accuracy;
          bestThreshold = p.threshold;
        }
      }
      return bestThreshold;
    }
    case ThresholdMethod::Eer: return equalErrorRate(pairs).threshold;
    case ThresholdMethod::TargetFar: return operatingPointAtFar(pairs, targetFar).threshold;
  }
  return 0;
}

FoldResult crossValidatedAccuracy(const std::vector<ScoredPairs>& folds) {
  if (folds.size() < 2) throw Error("cross-validation needs at least two folds");
  FoldResult result;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    ScoredPairs others;
    for (std::size_t g = 0; g < folds.size(); ++g) {
      if (g == f) continue;
      for (std::size_t i = 0; i < folds[g].size(); ++i) others.add(folds[g].distances[i], folds[g].same[i]);
    }
    const double threshold = chooseThreshold(others, ThresholdMethod::BestAccuracy);
    result.thresholds.push_back(threshold);
    result.accuracies.push_back(accuracyAt(folds[f], threshold));
  }
  const MeanDeviation spread = meanAndDeviation(result.accuracies);
  result.mean = spread.mean;
  result.standardDeviation = spread.standardDeviation;
  return result;
}

MeanDeviation meanAndDeviation(const std::vector<double>& values) {
  const double n = double(values.size());
  MeanDeviation result;
  result.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double v : values) squares += (v - result.mean) * (v - result.mean);
  result.standardDeviation = values.size() > 1 ? std::sqrt(squares / (n - 1)) : 0;
  return result;
}

}  // namespace siamese
