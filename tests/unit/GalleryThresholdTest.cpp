// Threshold calibration on the gallery's own embeddings: on pairs whose
// distances are known the chosen threshold, its false-accept and
// false-reject rates, and the bundle threshold's rates come out as worked
// out by hand; thin galleries are flagged; large ones are sampled.

#include <cmath>

#include "common/Error.h"
#include "gallery/OpenSetThreshold.h"
#include "gallery/ThresholdCalibration.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using test::contains;

double absolute(const std::vector<float>& a, const std::vector<float>& b) { return std::fabs(double(a[0]) - double(b[0])); }

// One-dimensional embeddings, so every distance can be read off:
// Ada {0, 1}, Bob {10, 12}, Cy {30}.
// Genuine: 1 (Ada), 2 (Bob). Impostor: 9 10 11 12 18 20 29 30.
std::vector<StoredEmbedding> smallGallery() {
  return {{1, 1, {0}}, {2, 1, {1}}, {3, 2, {10}}, {4, 2, {12}}, {5, 3, {30}}};
}

TEST(ThresholdCalibration, ChoosesTheThresholdForTheTargetFarOnKnownDistances) {
  CalibrationOptions options;
  options.targetFar = 0.25;     // 2 of the 8 impostor pairs may pass
  options.bundleThreshold = 1.5;
  const CalibrationReport r = calibrateThreshold(smallGallery(), absolute, options);
  EXPECT_EQ(r.people, 3u);
  EXPECT_EQ(r.peopleWithSeveralPhotos, 2u);
  EXPECT_EQ(r.genuinePairs, 2u);
  EXPECT_EQ(r.impostorPairs, 8u);
  EXPECT_FALSE(r.sampled);
  // Halfway between the 2nd impostor distance (10), let through, and the 3rd (11), stopped.
  EXPECT_DOUBLE_EQ(r.chosen.threshold, 10.5);
  EXPECT_DOUBLE_EQ(r.chosen.falseAcceptRate, 0.25);
  EXPECT_DOUBLE_EQ(r.chosen.falseRejectRate, 0.0);
  // The bundle's 1.5 lets no impostor through but rejects Bob's pair (2).
  EXPECT_DOUBLE_EQ(r.bundle.threshold, 1.5);
  EXPECT_DOUBLE_EQ(r.bundle.falseAcceptRate, 0.0);
  EXPECT_DOUBLE_EQ(r.bundle.falseRejectRate, 0.5);
  // 2 genuine pairs and 8 impostor pairs are far too few to trust, and
  // 10.5 is far above the model's 1.5: strangers would get in.
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_TRUE(contains(r.warnings[0], "only 2 genuine pairs")) << r.warnings[0];
  EXPECT_TRUE(contains(r.warnings[1], "only 8 impostor pairs")) << r.warnings[1];
  EXPECT_TRUE(contains(r.warnings[2], "above the model's own")) << r.warnings[2];
  EXPECT_TRUE(contains(r.method(), "far=0.25")) << r.method();
}

TEST(ThresholdCalibration, ThresholdForFarLetsThroughAtMostTheTargetShare) {
  std::vector<double> impostor;
  for (int d = 300; d >= 1; --d) impostor.push_back(d);  // unsorted on purpose
  EXPECT_DOUBLE_EQ(thresholdForFar(impostor, 0.1), 30.5);  // 30 of 300 pass
  EXPECT_DOUBLE_EQ(thresholdForFar(impostor, 0.01), 3.5);  // 0.01 × 300 is 3, not 2.999…
  // Fewer pairs than one false accept needs: not even the closest passes.
  EXPECT_DOUBLE_EQ(thresholdForFar(impostor, 0.001), 1.0);
  EXPECT_DOUBLE_EQ(operatingPoint({}, impostor, 1.0).falseAcceptRate, 0.0);
  EXPECT_THROW(thresholdForFar({}, 0.1), Error);
  EXPECT_THROW(thresholdForFar(impostor, 1.5), Error);
  // Ties across the boundary: the threshold never admits more than the target.
  const std::vector<double> tied = {1, 2, 2, 2, 3, 4, 5, 6, 7, 8};
  const double t = thresholdForFar(tied, 0.2);
  EXPECT_LE(operatingPoint({}, tied, t).falseAcceptRate, 0.2);
}

TEST(ThresholdCalibration, WellSeparatedPeopleGiveAThresholdBetweenTheGroups) {
  // 40 people, 4 photos each; photos of a person lie within 0.3 of each
  // other, people are 5 apart: every genuine pair is below every impostor pair.
  std::vector<StoredEmbedding> gallery;
  std::int64_t photo = 0;
  for (int person = 0; person < 40; ++person)
    for (int k = 0; k < 4; ++k) gallery.push_back({++photo, person, {float(person * 5 + k * 0.1)}});
  CalibrationOptions options;
  options.targetFar = 0.01;
  const CalibrationReport r = calibrateThreshold(gallery, absolute, options);
  EXPECT_EQ(r.genuinePairs, 40u * 6u);
  EXPECT_EQ(r.impostorPairs, 160u * 159u / 2u - 240u);
  EXPECT_GT(r.chosen.threshold, 0.3);
  EXPECT_LE(r.chosen.falseAcceptRate, 0.01);
  EXPECT_DOUBLE_EQ(r.chosen.falseRejectRate, 0.0);
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
}

TEST(ThresholdCalibration, LargeGalleriesAreSampledAndThinOnesRefusedOrFlagged) {
  std::vector<StoredEmbedding> gallery;
  for (int i = 0; i < 400; ++i) gallery.push_back({i, i / 2, {float(i)}});
  CalibrationOptions options;
  options.maxImpostorPairs = 5000;
  options.maxGenuinePairs = 50;
  const CalibrationReport r = calibrateThreshold(gallery, absolute, options);
  EXPECT_TRUE(r.sampled);
  EXPECT_EQ(r.impostorPairs, 5000u);
  EXPECT_EQ(r.genuinePairs, 50u);
  EXPECT_DOUBLE_EQ(r.chosen.falseRejectRate, 0.0);  // every genuine pair is 1 apart

  // One photo each: no genuine pair at all, said plainly.
  const std::vector<StoredEmbedding> single = {{1, 1, {0}}, {2, 2, {5}}, {3, 3, {9}}};
  const CalibrationReport thin = calibrateThreshold(single, absolute);
  EXPECT_EQ(thin.genuinePairs, 0u);
  ASSERT_FALSE(thin.warnings.empty());
  EXPECT_TRUE(contains(thin.warnings[0], "no person has two photos")) << thin.warnings[0];

  const std::string message = test::errorMessage([&] { calibrateThreshold({{1, 1, {0}}, {2, 1, {1}}}, absolute); });
  EXPECT_TRUE(contains(message, "at least two enrolled people")) << message;
}

// Open-set: five people at 0, 10, 20, 30, 40 with a second photo 1 further
// on. Each photo's own nearest is 1 away, the nearest other person's 9.
std::vector<StoredEmbedding> fivePeople(std::size_t people = 5) {
  std::vector<StoredEmbedding> out;
  for (std::size_t p = 0; p < people; ++p) {
    const float at = 10.0f * float(p);
    out.push_back({std::int64_t(2 * p + 1), std::int64_t(p + 1), {at}});
    out.push_back({std::int64_t(2 * p + 2), std::int64_t(p + 1), {at + 1}});
  }
  return out;
}

TEST(OpenSetThreshold, SitsBetweenOwnAndOtherPeopleAndNeverAboveTheModels) {
  const auto open = openSetThreshold(fivePeople(), absolute, 100.0);
  ASSERT_TRUE(open);
  EXPECT_DOUBLE_EQ(open->value, 5.0);  // the middle of (1, 9], where no photo errs
  EXPECT_DOUBLE_EQ(open->missRate, 0.0);
  EXPECT_DOUBLE_EQ(open->strangerRate, 0.0);
  EXPECT_EQ(open->people, 5u);
  EXPECT_EQ(open->photos, 10u);
  const auto capped = openSetThreshold(fivePeople(), absolute, 3.0);
  ASSERT_TRUE(capped);
  EXPECT_LE(capped->value, 3.0);
  EXPECT_GT(capped->value, 1.0) << "it still names each person's own photos";
}

TEST(OpenSetThreshold, WeighsMissesAgainstStrangersWhereTheyOverlap) {
  auto gallery = fivePeople();
  gallery.push_back({99, 1, {8}});  // a poor photo of person 1: 7 from its own, 2 from person 2 (at 10)
  const auto open = openSetThreshold(gallery, absolute, 100.0);
  ASSERT_TRUE(open);
  // Reaching it (7) would take in three "strangers" (8 itself and person 2's
  // two photos, 2 and 3 from it): the one miss costs less. Between 1 and 2.
  EXPECT_DOUBLE_EQ(open->value, 1.5);
  EXPECT_DOUBLE_EQ(open->missRate, 1.0 / 11);
  EXPECT_DOUBLE_EQ(open->strangerRate, 0.0);
}

TEST(OpenSetThreshold, TooFewPeopleGiveNoEstimate) {
  EXPECT_FALSE(openSetThreshold(fivePeople(4), absolute, 100.0));
  EXPECT_FALSE(openSetThreshold({}, absolute, 100.0));
}

}  // namespace
}  // namespace siamese
