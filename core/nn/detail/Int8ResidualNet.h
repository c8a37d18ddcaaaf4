#pragma once
// Private to core: a residual net of ours evaluated in 8-bit integers.
#include <torch/torch.h>

#include <ATen/native/quantized/PackedParams.h>

#include <vector>

#include "nn/Int8Inference.h"
#include "nn/detail/Networks.h"

namespace siamese::detail {

/// The scale and zero point that map a float range onto 0..255.
struct ActivationScale {
  double scale = 1;
  std::int64_t zeroPoint = 0;
};

/// Activations are quantized asymmetrically to 0..255 over a range that
/// holds zero (so that zero, the ReLU's floor and the convolutions'
/// padding, is exact): the scale and zero point of [low, high].
ActivationScale activationScaleOf(float low, float high);

/// The step of each output channel's 8-bit levels when a convolution's
/// weights [out, in, h, w] are rounded symmetrically to -127..127 (no
/// gradient).
torch::Tensor weightLevelsOf(const torch::Tensor& weight);
/// A convolution's padding, which 8-bit inference needs explicit: throws
/// Error otherwise.
const torch::ExpandingArray<2>& explicitPaddingOf(const torch::nn::Conv2dImpl& conv);

/// Of the ranges [f·low, f·high] (f from 1 down to 0.05; zero stays
/// inside), the one whose quantization to 256 levels costs the values
/// counted in `counts` (equal bins over [low, high]) the least squared
/// error in expectation: a uniform rounding error of step²/12 for each
/// value inside it, the squared distance to the nearer end for each
/// outside. A few far outliers then no longer coarsen every step.
std::pair<float, float> leastSquaresRange(float low, float high, const std::vector<double>& counts);

/// `net` (evaluated, batch norms folded, on the CPU) with its convolutions
/// in 8-bit integers. The activations it quantizes, in the order of
/// Int8Calibration::ranges: the input; the stem's output; then for each
/// block its first convolution's output (after the ReLU), its second's
/// (before the sum), the shortcut's when it has a convolution, and the
/// block's output. The last block's sum, the average pooling and what
/// follows (the embedding layer, projection, normalisation) run in float32,
/// so the last block's output range is measured but not used (it stays in
/// the list, so that bundles calibrated before keep their layout).
class Int8ResidualNet {
 public:
  /// The ranges and bias corrections of `calibration` (the corrections may
  /// be empty). throws Error when they do not fit the network, or the CPU
  /// has no integer engine (int8Unsupported).
  Int8ResidualNet(EmbeddingNet net, const Int8Calibration& calibration);
  /// Input as the float network takes it, [N, C, H, W] → embeddings.
  torch::Tensor forward(const torch::Tensor& input);

  /// Measures `batches` in the float network `net` (evaluated, batch norms
  /// folded): the ranges (min, max pairs in the order above) they reach,
  /// chosen by `method`, and, with `biasCorrections`, each integer
  /// convolution's bias corrections (Int8Calibration::biasCorrections).
  /// Fills those two fields only.
  static Int8Calibration calibrate(EmbeddingNet net, const std::vector<torch::Tensor>& batches, Int8Ranges method,
                                   bool biasCorrections);

 private:
  using PackedConvolution = c10::intrusive_ptr<ConvPackedParamsBase<2>>;
  struct Layer {
    PackedConvolution packed;
    ActivationScale out;  ///< of the convolution's output
  };
  struct Block {
    Layer conv1, conv2, shortcut;  ///< shortcut.packed is null when the input passes through
    ActivationScale out;
  };

  EmbeddingNet m_net;
  ActivationScale m_input;
  Layer m_stem;
  std::vector<Block> m_blocks;
  int m_grid = 1;
};

}  // namespace siamese::detail
