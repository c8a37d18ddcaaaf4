#pragma once
/// \file Metrics.h
/// Verification metrics on pair distances (smaller distance = more alike):
/// accuracy at a threshold, the ROC curve and its AUC, the equal error
/// rate, the true-accept rate at a given false-accept rate, and the ways of
/// choosing a threshold. Plain C++, no model needed.

#include <string>
#include <vector>

namespace siamese {

/// Distances of labelled pairs.
struct ScoredPairs {
  std::vector<double> distances;
  std::vector<bool> same;

  std::size_t size() const { return distances.size(); }
  void add(double distance, bool isSame) {
    distances.push_back(distance);
    same.push_back(isSame);
  }
};

/// One operating point: pairs with distance < threshold are called "same".
struct RocPoint {
  double threshold = 0;
  double falseAcceptRate = 0;  ///< different pairs called same / different pairs
  double trueAcceptRate = 0;   ///< same pairs called same / same pairs
};

/// Fraction of pairs classified right by "same iff distance < threshold".
double accuracyAt(const ScoredPairs& pairs, double threshold);

/// The ROC curve from (0, 0) to (1, 1), one point per distinct distance.
std::vector<RocPoint> rocCurve(const ScoredPairs& pairs);

/// Area under the ROC curve (probability that a random same pair is closer
/// than a random different pair; ties count half).
double areaUnderCurve(const ScoredPairs& pairs);

struct EqualErrorRate {
  double rate = 0;       ///< where false accepts = false rejects
  double threshold = 0;
};
EqualErrorRate equalErrorRate(const ScoredPairs& pairs);

/// True-accept rate at the largest threshold whose false-accept rate is at
/// most `far`, and that threshold.
RocPoint operatingPointAtFar(const ScoredPairs& pairs, double far);

enum class ThresholdMethod {
  Midpoint,      ///< halfway between the mean same and mean different distance (the CelebA project)
  BestAccuracy,  ///< the threshold that classifies these pairs best
  Eer,           ///< the equal-error-rate point
  TargetFar,     ///< the largest threshold with false-accept rate <= target
};

/// Parses "midpoint", "best-accuracy", "eer", "far=0.001".
ThresholdMethod parseThresholdMethod(const std::string& text, double* targetFar);
std::string thresholdMethodName(ThresholdMethod method, double targetFar);

/// Chooses a threshold on `pairs` (which should be validation pairs, not
/// the pairs it will be scored on).
double chooseThreshold(const ScoredPairs& pairs, ThresholdMethod method, double targetFar = 1e-3);

/// k-fold protocol (LFW View 2): for each fold, the threshold is chosen on
/// the other folds by best accuracy and the fold is scored with it.
struct FoldResult {
  std::vector<double> accuracies;  ///< one per fold
  std::vector<double> thresholds;
  double mean = 0;
  double standardDeviation = 0;    ///< sample standard deviation over folds
};
FoldResult crossValidatedAccuracy(const std::vector<ScoredPairs>& folds);

/// Mean and sample standard deviation (0 for fewer than two values) of
/// per-fold figures. requires: values not empty.
struct MeanDeviation {
  double mean = 0;
  double standardDeviation = 0;
};
MeanDeviation meanAndDeviation(const std::vector<double>& values);

}  // namespace siamese
