// Verification metrics against values worked out by hand.

#include "common/Error.h"
#include "eval/Metrics.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

ScoredPairs make(std::initializer_list<std::pair<double, bool>> pairs) {
  ScoredPairs s;
  for (const auto& [d, same] : pairs) s.add(d, same);
  return s;
}

TEST(Metrics, AccuracyAtAThreshold) {
  const auto s = make({{0.1, true}, {0.4, true}, {0.3, false}, {0.9, false}});
  EXPECT_DOUBLE_EQ(accuracyAt(s, 0.35), 0.5);   // 0.1 same right, 0.4 wrong, 0.3 wrong, 0.9 right
  EXPECT_DOUBLE_EQ(accuracyAt(s, 0.5), 0.75);
  EXPECT_DOUBLE_EQ(accuracyAt(s, 0.2), 0.75);
}

TEST(Metrics, PerfectSeparationHasAucOneAndZeroEer) {
  const auto s = make({{0.1, true}, {0.2, true}, {0.8, false}, {0.9, false}});
  EXPECT_DOUBLE_EQ(areaUnderCurve(s), 1.0);
  EXPECT_NEAR(equalErrorRate(s).rate, 0.0, 1e-12);
  const double t = chooseThreshold(s, ThresholdMethod::BestAccuracy);
  EXPECT_DOUBLE_EQ(accuracyAt(s, t), 1.0);
}

TEST(Metrics, AucCountsOrderedPairsAndHalfTies) {
  // Same: 0.2, 0.6. Different: 0.4, 0.6. Pairs (same < different):
  // 0.2<0.4 yes, 0.2<0.6 yes, 0.6<0.4 no, 0.6=0.6 half → 2.5 / 4.
  const auto s = make({{0.2, true}, {0.6, true}, {0.4, false}, {0.6, false}});
  EXPECT_DOUBLE_EQ(areaUnderCurve(s), 2.5 / 4);
}

TEST(Metrics, RocRunsFromZeroToOne) {
  const auto s = make({{0.1, true}, {0.4, false}, {0.3, true}, {0.9, false}});
  const auto roc = rocCurve(s);
  EXPECT_DOUBLE_EQ(roc.front().falseAcceptRate, 0.0);
  EXPECT_DOUBLE_EQ(roc.front().trueAcceptRate, 0.0);
  EXPECT_DOUBLE_EQ(roc.back().falseAcceptRate, 1.0);
  EXPECT_DOUBLE_EQ(roc.back().trueAcceptRate, 1.0);
  for (std::size_t i = 1; i < roc.size(); ++i) EXPECT_GE(roc[i].threshold, roc[i - 1].threshold);
}

TEST(Metrics, EqualErrorRateWhereTheErrorsCross) {
  // Same: 0.1 0.2 0.3 0.6; different: 0.4 0.5 0.7 0.8. Between 0.3 and 0.4
  // one same pair is rejected (FRR 1/4) and no different accepted (FAR 0);
  // past 0.4 FAR 1/4, FRR 1/4: the EER is 25%.
  const auto s = make({{0.1, true}, {0.2, true}, {0.3, true}, {0.6, true},
                       {0.4, false}, {0.5, false}, {0.7, false}, {0.8, false}});
  EXPECT_NEAR(equalErrorRate(s).rate, 0.25, 1e-9);
}

TEST(Metrics, TrueAcceptRateAtAFalseAcceptRate) {
  const auto s = make({{0.1, true}, {0.2, true}, {0.5, true}, {0.3, false}, {0.6, false}, {0.7, false}, {0.8, false}});
  const RocPoint p = operatingPointAtFar(s, 0.0);
  EXPECT_NEAR(p.trueAcceptRate, 2.0 / 3, 1e-12);  // below 0.3 only
  EXPECT_LT(p.threshold, 0.3);
  EXPECT_NEAR(operatingPointAtFar(s, 0.25).trueAcceptRate, 1.0, 1e-12);
}

TEST(Metrics, ThresholdMethods) {
  const auto s = make({{0.2, true}, {0.4, true}, {0.6, false}, {1.0, false}});
  EXPECT_DOUBLE_EQ(chooseThreshold(s, ThresholdMethod::Midpoint), (0.3 + 0.8) / 2);
  const double best = chooseThreshold(s, ThresholdMethod::BestAccuracy);
  EXPECT_GT(best, 0.4);
  EXPECT_LT(best, 0.6);
  double far = 0;
  EXPECT_EQ(parseThresholdMethod("far=0.01", &far), ThresholdMethod::TargetFar);
  EXPECT_DOUBLE_EQ(far, 0.01);
  EXPECT_EQ(thresholdMethodName(ThresholdMethod::TargetFar, 0.01), "far=0.01");
  EXPECT_THROW(parseThresholdMethod("median", nullptr), Error);
  EXPECT_THROW(chooseThreshold(make({{0.1, true}}), ThresholdMethod::Midpoint), Error);
}

TEST(Metrics, CrossValidationChoosesEachFoldsThresholdOnTheOthers) {
  // Folds 1 and 2 separate at 0.5; fold 3's pairs sit on the other side of
  // it, so the threshold from folds 1+2 scores fold 3 at 0%.
  std::vector<ScoredPairs> folds = {make({{0.2, true}, {0.8, false}}), make({{0.3, true}, {0.7, false}}),
                                    make({{0.6, true}, {0.45, false}})};
  const FoldResult r = crossValidatedAccuracy(folds);
  ASSERT_EQ(r.accuracies.size(), 3u);
  EXPECT_DOUBLE_EQ(r.accuracies[2], 0.0);
  EXPECT_NEAR(r.mean, (r.accuracies[0] + r.accuracies[1]) / 3, 1e-12);
  EXPECT_GT(r.standardDeviation, 0.0);
}

}  // namespace
}  // namespace siamese
