// Loss scaling for float16 training (train/detail/MixedPrecision.h): the
// gradients come back divided by the scale, an overflow skips the step and
// halves the scale, and good steps let it grow again.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "train/detail/MixedPrecision.h"

namespace siamese::detail {
namespace {

// A parameter whose gradient is `values` times the scale, as a backward
// pass from the scaled loss leaves it.
torch::Tensor parameterWithGradient(const std::vector<float>& values, double scale) {
  torch::Tensor p = torch::zeros({std::int64_t(values.size())}, torch::requires_grad());
  p.mutable_grad() = torch::tensor(values) * scale;
  return p;
}

TEST(LossScaler, GivesTheGradientsBackUnscaled) {
  LossScaler scaler(1024.0, 2000);
  const torch::Tensor loss = torch::tensor(0.75f);
  EXPECT_FLOAT_EQ(scaler.scaled(loss).item<float>(), 768.0f);
  const torch::Tensor a = parameterWithGradient({0.5f, -3.25f}, 1024.0);
  const torch::Tensor b = parameterWithGradient({1e-6f}, 1024.0);
  const torch::Tensor untrained = torch::zeros({2}, torch::requires_grad());  // no gradient: skipped, not an error
  ASSERT_TRUE(scaler.unscale({a, b, untrained}));
  EXPECT_EQ(a.grad()[0].item<float>(), 0.5f);
  EXPECT_EQ(a.grad()[1].item<float>(), -3.25f);
  EXPECT_EQ(b.grad()[0].item<float>(), 1e-6f);  // a power of two: bit for bit
  EXPECT_EQ(scaler.skippedSteps(), 0);
  EXPECT_EQ(scaler.scale(), 1024.0);
}

TEST(LossScaler, SkipsAStepWhoseGradientsOverflowedAndHalvesTheScale) {
  for (const float bad : {std::numeric_limits<float>::infinity(), std::nanf("")}) {
    LossScaler scaler(65536.0, 2000);
    const torch::Tensor fine = parameterWithGradient({1.0f}, 65536.0);
    const torch::Tensor overflowed = parameterWithGradient({2.0f, bad}, 1.0);
    EXPECT_FALSE(scaler.unscale({fine, overflowed})) << bad;
    EXPECT_EQ(scaler.scale(), 32768.0);
    EXPECT_EQ(scaler.skippedSteps(), 1);
    // The next step at the smaller scale goes through.
    const torch::Tensor next = parameterWithGradient({1.0f}, 32768.0);
    EXPECT_TRUE(scaler.unscale({next}));
    EXPECT_EQ(next.grad()[0].item<float>(), 1.0f);
  }
}

TEST(LossScaler, DoublesAfterEnoughGoodStepsInARow) {
  LossScaler scaler(8.0, 3);
  const auto goodStep = [&] { return scaler.unscale({parameterWithGradient({1.0f}, scaler.scale())}); };
  EXPECT_TRUE(goodStep());
  EXPECT_TRUE(goodStep());
  EXPECT_EQ(scaler.scale(), 8.0);
  EXPECT_TRUE(goodStep());
  EXPECT_EQ(scaler.scale(), 16.0);
  // An overflow starts the count again.
  EXPECT_FALSE(scaler.unscale({parameterWithGradient({std::numeric_limits<float>::infinity()}, 1.0)}));
  EXPECT_EQ(scaler.scale(), 8.0);
  EXPECT_TRUE(goodStep());
  EXPECT_TRUE(goodStep());
  EXPECT_EQ(scaler.scale(), 8.0);
  EXPECT_TRUE(goodStep());
  EXPECT_EQ(scaler.scale(), 16.0);
}

// A step whose loss overflowed is skipped like one whose gradients did; the
// count of skips in a row (what makes a run give up) ends at a good step;
// the state a checkpoint keeps comes back whole.
TEST(LossScaler, CountsSkipsInARowAndRestoresItsState) {
  LossScaler scaler(1024.0, 2000);
  scaler.skipStep();
  scaler.skipStep();
  EXPECT_EQ(scaler.skippedInARow(), 2);
  EXPECT_EQ(scaler.scale(), 256.0);
  const LossScaleState saved = scaler.state();
  EXPECT_TRUE(scaler.unscale({parameterWithGradient({1.0f}, 256.0)}));
  EXPECT_EQ(scaler.skippedInARow(), 0);
  EXPECT_EQ(scaler.skippedSteps(), 2);
  LossScaler resumed;
  resumed.restore(saved);
  EXPECT_EQ(resumed.scale(), 256.0);
  EXPECT_EQ(resumed.skippedInARow(), 2);
  EXPECT_EQ(resumed.skippedSteps(), 2);
}

}  // namespace
}  // namespace siamese::detail
