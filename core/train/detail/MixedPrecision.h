#pragma once
/// \file MixedPrecision.h
/// Training in 16-bit floats (TrainOptions::precision): the network's
/// forward pass under LibTorch's autocast, on the CPU in bfloat16 or on a
/// GPU in bfloat16 or float16, and for float16 the loss scaling that keeps
/// small gradients from rounding to zero in its narrow range.

#include <vector>

#include <torch/torch.h>

namespace siamese::detail {

/// LibTorch's autocast to `type` for `device` kind's operations, for the
/// guard's lifetime; what was set before comes back after, and the cast
/// weights it cached go with the outermost guard (they are stale once the
/// optimiser has stepped).
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType device, at::ScalarType type);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType m_device;
  bool m_wasEnabled;
  at::ScalarType m_wasType;
};

/// Dynamic loss scaling, as mixed-precision trainers do it: the loss is
/// multiplied by a power of two before the backward pass, so that float16
/// gradients stay clear of its smallest numbers, and the gradients are
/// divided by it before the optimiser's step. A power of two changes no
/// rounding, so in float32 the weights come out bit for bit the same. A
/// step whose gradients hold an inf or a NaN (the scale was too large) is
/// skipped and the scale halved; after `growthInterval` good steps in a row
/// it doubles again, so it stays near the largest that fits.
class LossScaler {
 public:
  explicit LossScaler(double initialScale = 65536.0, int growthInterval = 2000);

  /// The loss to run the backward pass from.
  torch::Tensor scaled(const torch::Tensor& loss) const { return loss * m_scale; }
  /// Divides every defined gradient of `parameters` by the scale and
  /// adjusts the scale for the next step. False when a gradient held an inf
  /// or a NaN: the optimiser must skip this step.
  bool unscale(const std::vector<torch::Tensor>& parameters);

  double scale() const { return m_scale; }
  long skippedSteps() const { return m_skipped; }

 private:
  double m_scale;
  int m_growthInterval;
  int m_goodSteps = 0;
  long m_skipped = 0;
};

}  // namespace siamese::detail
