// Winograd convolutions (oneDNN's kernels behind our autograd function)
// against LibTorch's own convolution: the same output and the same three
// gradients, in both memory layouts, and used by the Convolution module
// only where it applies.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "nn/detail/WinogradConvolution.h"

namespace siamese::detail {
namespace {

/// Largest difference relative to the largest magnitude of the reference.
double relativeError(const torch::Tensor& got, const torch::Tensor& want) {
  return (got - want).abs().max().item<double>() / want.abs().max().item<double>();
}

struct Case {
  bool channelsLast;
  bool bias;
};

class WinogradConvolution : public ::testing::TestWithParam<Case> {};

// Odd sizes (13 × 11) leave partial 4×4 tiles at the edges; 48 output
// channels are three of oneDNN's 16-channel blocks.
TEST_P(WinogradConvolution, GivesLibTorchsOutputAndGradients) {
  if (!winogradSupported()) GTEST_SKIP() << "no Winograd kernels here (oneDNN's need AVX-512)";
  const Case c = GetParam();
  torch::manual_seed(5);
  const auto layout = c.channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const torch::Tensor x0 = torch::randn({4, 32, 13, 11}).contiguous(layout);
  const torch::Tensor w0 = (torch::randn({48, 32, 3, 3}) * 0.1).contiguous(layout);
  const torch::Tensor b0 = c.bias ? torch::randn({48}) : torch::Tensor();
  const torch::Tensor gradOut = torch::randn({4, 48, 13, 11}).contiguous(layout);

  const auto leaf = [](const torch::Tensor& t) { return t.defined() ? t.clone().requires_grad_(true) : t; };
  torch::Tensor x = leaf(x0), w = leaf(w0), b = leaf(b0);
  const torch::Tensor y = winogradConv2d(x, w, b);
  ASSERT_TRUE(y.defined()) << "no Winograd kernel for a 32 -> 48 channel 3x3 convolution";
  EXPECT_EQ(y.is_contiguous(layout), true) << "the output keeps the input's layout";
  y.backward(gradOut);

  torch::Tensor xr = leaf(x0), wr = leaf(w0), br = leaf(b0);
  const torch::Tensor yr = torch::conv2d(xr, wr, br, 1, 1);
  yr.backward(gradOut);

  // F(4x4, 3x3) rounds differently from the direct sum; measured about 1e-6.
  EXPECT_LT(relativeError(y, yr), 1e-4);
  EXPECT_LT(relativeError(x.grad(), xr.grad()), 1e-4);
  EXPECT_LT(relativeError(w.grad(), wr.grad()), 1e-4);
  if (c.bias) {
    EXPECT_LT(relativeError(b.grad(), br.grad()), 1e-4);
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, WinogradConvolution,
                         ::testing::Values(Case{false, true}, Case{true, true}, Case{true, false}),
                         [](const auto& param) {
                           return std::string(param.param.channelsLast ? "ChannelsLast" : "Nchw") +
                                  (param.param.bias ? "WithBias" : "WithoutBias");
                         });

std::string gradientOf(const torch::Tensor& y) { return y.grad_fn() ? y.grad_fn()->name() : "none"; }

// Only a training step inside a WinogradScope takes the Winograd path, and
// only for the shapes it has kernels for; evaluation and the grey input
// layer run LibTorch's convolution.
TEST(WinogradConvolutionModule, TrainsThroughWinogradOnlyWhereItApplies) {
  if (!winogradSupported()) GTEST_SKIP() << "no Winograd kernels here (oneDNN's need AVX-512)";
  Convolution wide(torch::nn::Conv2dOptions(32, 32, 3).padding(1));
  Convolution grey(torch::nn::Conv2dOptions(1, 32, 3).padding(1));
  Convolution strided(torch::nn::Conv2dOptions(32, 32, 3).padding(1).stride(2));
  const torch::Tensor x = torch::randn({2, 32, 8, 8});
  EXPECT_EQ(gradientOf(wide(x)).find("Winograd"), std::string::npos) << "outside a scope";
  const WinogradScope on(true);
  const std::uint64_t before = winogradConvolutionsRun();
  EXPECT_NE(gradientOf(wide(x)).find("Winograd"), std::string::npos) << gradientOf(wide(x));
  EXPECT_GT(winogradConvolutionsRun(), before);
  EXPECT_EQ(gradientOf(grey(torch::randn({2, 1, 8, 8}))).find("Winograd"), std::string::npos);
  EXPECT_EQ(gradientOf(strided(x)).find("Winograd"), std::string::npos);
  wide->eval();
  EXPECT_EQ(gradientOf(wide(x)).find("Winograd"), std::string::npos) << "in evaluation";
  wide->train();
  {
    const WinogradScope off(false);
    EXPECT_EQ(gradientOf(wide(x)).find("Winograd"), std::string::npos) << "in a scope that turned it off";
  }
  EXPECT_NE(gradientOf(wide(x)).find("Winograd"), std::string::npos) << "the outer scope again";
}

}  // namespace
}  // namespace siamese::detail
