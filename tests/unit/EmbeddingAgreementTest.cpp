// Comparing one model's embeddings made two ways: how far each photo's
// embedding moves, and whether the distances between photos keep their order.

#include <gtest/gtest.h>

#include <cmath>

#include "common/Error.h"
#include "eval/EmbeddingAgreement.h"
#include "support/TestSupport.h"

namespace siamese {
namespace {

using Embeddings = std::vector<std::vector<float>>;

const Embeddings kCorners = {{0, 0}, {3, 0}, {0, 4}, {3, 4}};

TEST(EmbeddingAgreement, MeasuresHowFarEachPhotoMovesAndHowTheDistancesCorrelate) {
  const EmbeddingAgreement same = compareEmbeddings(kCorners, kCorners);
  EXPECT_EQ(same.photos, 4u);
  EXPECT_DOUBLE_EQ(same.meanShift, 0.0);
  EXPECT_DOUBLE_EQ(same.largestShift, 0.0);
  // The six distances of a 3×4 rectangle: 3, 4, 5, 5, 4, 3.
  EXPECT_NEAR(same.meanPairDistance, 4.0, 1e-12);
  EXPECT_NEAR(same.distanceCorrelation, 1.0, 1e-12);

  // Moved as a whole: every distance between photos stays, each photo moves 1.
  Embeddings moved = kCorners;
  for (auto& e : moved) e[0] += 1;
  const EmbeddingAgreement shifted = compareEmbeddings(kCorners, moved);
  EXPECT_NEAR(shifted.meanShift, 1.0, 1e-12);
  EXPECT_NEAR(shifted.distanceCorrelation, 1.0, 1e-12);

  // One photo moved onto another: the shift is that photo's alone, and the
  // distances no longer follow each other.
  Embeddings collapsed = kCorners;
  collapsed[3] = collapsed[0];
  const EmbeddingAgreement broken = compareEmbeddings(kCorners, collapsed);
  EXPECT_NEAR(broken.largestShift, 5.0, 1e-12);
  EXPECT_NEAR(broken.meanShift, 1.25, 1e-12);
  EXPECT_LT(broken.distanceCorrelation, 0.5);
  EXPECT_TRUE(test::contains(describeAgreement(broken), "on 4 photos")) << describeAgreement(broken);
}

TEST(EmbeddingAgreement, RefusesListsThatDoNotMatch) {
  const std::string uneven = test::errorMessage([] { compareEmbeddings(kCorners, {{0, 0}, {1, 1}, {2, 2}}); });
  EXPECT_TRUE(test::contains(uneven, "different numbers of photos")) << uneven;
  const std::string few = test::errorMessage([] { compareEmbeddings({{0, 0}, {1, 1}}, {{0, 0}, {1, 1}}); });
  EXPECT_TRUE(test::contains(few, "3 photos or more")) << few;
}

}  // namespace
}  // namespace siamese
