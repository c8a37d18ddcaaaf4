#pragma once

// Winograd convolutions for training on the CPU. A 3×3 convolution of
// stride 1 computed by Winograd's F(4×4, 3×3) transform needs 36
// multiplications per 4×4 output tile where the direct method needs 144;
// oneDNN has such kernels for AVX-512 but LibTorch only ever asks it for
// direct ones. Here a convolution's two backward passes (the gradients of
// its input and of its weights, two thirds of its arithmetic) run
// oneDNN's Winograd kernels; its forward pass stays LibTorch's, which was
// faster once the reorders into Winograd's blocked layout were paid.

#include <torch/torch.h>

#include "nn/WinogradConvolutions.h"

namespace siamese::detail {

/// Winograd convolutions on or off on this thread, for as long as the
/// scope lives (a training run turns them on for its steps).
class WinogradScope {
 public:
  explicit WinogradScope(bool enabled);
  ~WinogradScope();
  WinogradScope(const WinogradScope&) = delete;
  WinogradScope& operator=(const WinogradScope&) = delete;

 private:
  bool m_previous;
};

/// Whether a WinogradScope on this thread turned them on.
bool winogradEnabled();

/// A 3×3 convolution of stride 1 and padding 1 whose gradients for input,
/// weight and bias are computed by Winograd's transform (the output is
/// LibTorch's convolution; `bias` may be undefined).
/// Float32 CPU tensors, NCHW or channels-last; the output has the input's
/// layout. Returns an undefined tensor when oneDNN has no Winograd kernel
/// for the shape, so that the caller runs the usual convolution.
torch::Tensor winogradConv2d(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias);

/// LibTorch's Conv2d (same parameters, names and saved form) that trains
/// through winogradConv2d where it applies: in training mode with gradients
/// on, inside a WinogradScope, for 3×3 stride-1 padding-1 convolutions of
/// float32 CPU tensors with at least 16 channels in and out (oneDNN's kernels
/// work on 16-channel blocks; a grey or colour input layer stays direct,
/// where Winograd is several times slower). Everything else, evaluation
/// included, runs LibTorch's convolution.
class ConvolutionImpl : public torch::nn::Conv2dImpl {
 public:
  using Conv2dImpl::Conv2dImpl;
  torch::Tensor forward(const torch::Tensor& input);

 private:
  bool winogradApplies(const torch::Tensor& input) const;
};
TORCH_MODULE(Convolution);

}  // namespace siamese::detail
