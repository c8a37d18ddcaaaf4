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

/// Where a loss scaler stands: kept in checkpoints, so that a resumed run
/// skips the same steps as an uninterrupted one.
struct LossScaleState {
  double scale = 65536.0;
  int goodSteps = 0;         ///< good steps in a row since the scale last changed
  int skippedInARow = 0;     ///< overflowed steps in a row
  long skippedSteps = 0;     ///< in the whole run
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
  torch::Tensor scaled(const torch::Tensor& loss) const { return loss * m_state.scale; }
  /// Divides every defined gradient of `parameters` by the scale and
  /// adjusts the scale for the next step. False when a gradient held an inf
  /// or a NaN: the optimiser must skip this step.
  bool unscale(const std::vector<torch::Tensor>& parameters);
  /// A step whose loss itself was not finite (the 16-bit forward pass
  /// overflowed): skipped like an overflowed gradient, the scale halved.
  void skipStep();

  double scale() const { return m_state.scale; }
  long skippedSteps() const { return m_state.skippedSteps; }
  /// Overflowed steps in a row: past a few dozen the scale has fallen so
  /// far that the trouble is not the scale (the caller gives up).
  int skippedInARow() const { return m_state.skippedInARow; }

  const LossScaleState& state() const { return m_state; }
  void restore(const LossScaleState& state) { m_state = state; }

 private:
  LossScaleState m_state;
  int m_growthInterval;
};

}  // namespace siamese::detail
