#include "nn/detail/Networks.h"

#include "common/Error.h"
#include "nn/detail/Int8ResidualNet.h"
#include "nn/detail/WinogradConvolution.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace siamese::detail {
namespace {

torch::nn::AnyModule activation(const NetworkConfig& c) {
  if (c.activation == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  return torch::nn::AnyModule(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
}

torch::nn::AnyModule pooling(const NetworkConfig& c) {
  if (c.pooling == "avg") return torch::nn::AnyModule(torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2)));
  return torch::nn::AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
}

Convolution conv(int in, int out, int kernel, int stride = 1, bool bias = false) {
  return Convolution(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(bias));
}

/// A convolution's weight and bias with the evaluated batch norm after it
/// folded in: the weights scaled per output channel, and the bias that the
/// normalisation's shift leaves. Differentiable, for quantization-aware
/// training, which folds them every step.
std::pair<torch::Tensor, torch::Tensor> foldedWeightAndBias(const torch::nn::Conv2dImpl& conv,
                                                            const torch::nn::BatchNorm2dImpl& bn) {
  const torch::Tensor scale = bn.weight / torch::sqrt(bn.running_var + bn.options.eps());
  torch::Tensor shift = bn.bias - bn.running_mean * scale;
  if (conv.bias.defined()) shift = shift + conv.bias * scale;
  return {conv.weight * scale.view({-1, 1, 1, 1}), shift};
}

/// Folds an evaluated batch norm into the convolution before it, so the
/// pair computes the same with one pass over the activations instead of two.
void foldInto(torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl& bn) {
  torch::NoGradGuard noGrad;
  // The bias is not registered: the folded network is only evaluated, never saved.
  std::tie(conv.weight, conv.bias) = foldedWeightAndBias(conv, bn);
}

/// What 8-bit inference rounds, done in float32 so that training sees it
/// (EmbeddingNetImpl::setInt8Rounding). The activations are taken in the
/// order of Int8Calibration's ranges.
class Int8Rounding {
 public:
  explicit Int8Rounding(const std::vector<float>& ranges) : m_ranges(ranges) {}

  /// The next activation, rounded to the 256 levels of its range.
  torch::Tensor activation(const torch::Tensor& x) {
    const ActivationScale s = next();
    return torch::fake_quantize_per_tensor_affine(x, s.scale, s.zeroPoint, 0, 255);
  }
  /// The next activation stays float32 (the last block's sum).
  void skip() { next(); }

  /// `conv` (with `norm` folded in when there is one) on `x`, its weights
  /// rounded per output channel as Int8ResidualNet packs them.
  static torch::Tensor convolution(const torch::nn::Conv2dImpl& conv, const torch::nn::BatchNorm2dImpl* norm,
                                   const torch::Tensor& x) {
    auto [weight, bias] = norm ? foldedWeightAndBias(conv, *norm) : std::pair{conv.weight, conv.bias};
    const torch::Tensor zeros = torch::zeros({weight.size(0)}, weight.options().dtype(torch::kInt));
    weight = torch::fake_quantize_per_channel_affine(weight, weightLevelsOf(weight).to(torch::kFloat), zeros, 0, -128, 127);
    return torch::conv2d(x, weight, bias, conv.options.stride(), explicitPaddingOf(conv), conv.options.dilation(),
                         conv.options.groups());
  }

 private:
  ActivationScale next() {
    if (m_next + 2 > m_ranges.size()) throw Error("the 8-bit ranges do not fit the network");
    const ActivationScale s = activationScaleOf(m_ranges[m_next], m_ranges[m_next + 1]);
    m_next += 2;
    return s;
  }

  const std::vector<float>& m_ranges;
  std::size_t m_next = 0;
};

/// A residual block: two 3×3 convolutions plus a shortcut (1×1 when the
/// shape changes), as in He et al.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  ResidualBlockImpl(int in, int out, int stride, bool batchNorm) : m_batchNorm(batchNorm) {
    m_conv1 = register_module("conv1", conv(in, out, 3, stride, !batchNorm));
    m_conv2 = register_module("conv2", conv(out, out, 3, 1, !batchNorm));
    if (batchNorm) {
      m_bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
      m_bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
    }
    if (in != out || stride != 1) m_shortcut = register_module("shortcut", conv(in, out, 1, stride, true));
  }

  ResidualNetLayers::Block layers() {
    return {m_conv1.get(), m_conv2.get(), m_shortcut ? m_shortcut.get() : nullptr};
  }

  void foldBatchNorm() {
    if (!m_batchNorm) return;
    foldInto(*m_conv1, *m_bn1);
    foldInto(*m_conv2, *m_bn2);
    m_batchNorm = false;
  }

  /// forward() rounded as in 8-bit inference; the last block's sum stays
  /// float32, as there.
  torch::Tensor forwardRounded(const torch::Tensor& x, Int8Rounding& rounding, bool last) {
    const torch::Tensor y = rounding.activation(torch::relu(Int8Rounding::convolution(*m_conv1, m_batchNorm ? m_bn1.get() : nullptr, x)));
    const torch::Tensor z = rounding.activation(Int8Rounding::convolution(*m_conv2, m_batchNorm ? m_bn2.get() : nullptr, y));
    const torch::Tensor shortcut =
        m_shortcut ? rounding.activation(Int8Rounding::convolution(*m_shortcut, nullptr, x)) : x;
    const torch::Tensor out = torch::relu(z + shortcut);
    if (!last) return rounding.activation(out);
    rounding.skip();
    return out;
  }

  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor y = m_conv1(x);
    if (m_batchNorm) y = m_bn1(y);
    y = torch::relu(y);
    y = m_conv2(y);
    if (m_batchNorm) y = m_bn2(y);
    return torch::relu(y + (m_shortcut ? m_shortcut(x) : x));
  }

 private:
  bool m_batchNorm;
  Convolution m_conv1{nullptr}, m_conv2{nullptr}, m_shortcut{nullptr};
  torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
};
TORCH_MODULE(ResidualBlock);

/// The projection trained on top of a base network (NetworkConfig::projection).
torch::nn::Sequential projection(const NetworkConfig& config) {
  const int in = config.baseOutputSize(), out = config.embeddingSize;
  torch::nn::Sequential layers;
  if (config.projection == "mlp") {
    layers->push_back(torch::nn::Linear(in, 256));
    layers->push_back(torch::nn::ReLU());
    layers->push_back(torch::nn::Linear(256, out));
    return layers;
  }
  torch::nn::Linear linear(in, out);
  if (in == out) {
    // Start as the identity: the first step trains from the base's own embedding.
    torch::NoGradGuard noGrad;
    linear->weight.copy_(torch::eye(in));
    linear->bias.zero_();
  }
  layers->push_back(linear);
  return layers;
}

}  // namespace

EmbeddingNetImpl::EmbeddingNetImpl(const NetworkConfig& config) : m_config(config) {
  m_config.validate();
  if (config.isDlibResNet()) {
    m_tower = register_module("tower", DlibResNet());
    if (config.hasProjection()) m_projection = register_module("projection", projection(config));
    return;
  }
  torch::nn::Sequential features;
  int in = config.channels;
  int width = config.filters;
  if (config.architecture == "resnet") {
    // Stem, then one residual block per stage, each halving the resolution.
    features->push_back(conv(in, width, 3, 1, !config.batchNorm));
    if (config.batchNorm) features->push_back(torch::nn::BatchNorm2d(width));
    features->push_back(torch::nn::ReLU());
    in = width;
    for (int b = 0; b < config.blocks; ++b) {
      const int out = std::min(256, config.filters << b);
      features->push_back(ResidualBlock(in, out, 2, config.batchNorm));
      in = out;
    }
  } else {
    for (int b = 0; b < config.blocks; ++b) {
      const int out = std::min(256, config.filters << b);
      for (int k = 0; k < config.convsPerBlock; ++k) {
        features->push_back(conv(k == 0 ? in : out, out, config.kernel, 1, !config.batchNorm));
        if (config.batchNorm) features->push_back(torch::nn::BatchNorm2d(out));
        features->push_back(activation(config));
      }
      features->push_back(pooling(config));
      in = out;
    }
  }
  // Pool to at most 4×4 (pooledGrid) and keep that layout: on aligned faces
  // *where* a feature is (eye, mouth) matters, which global pooling would discard.
  const int grid = config.pooledGrid();
  features->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(grid)));
  features->push_back(torch::nn::Flatten());
  m_features = register_module("features", features);
  m_dropout = register_module("dropout", torch::nn::Dropout(config.dropout));
  m_embedding = register_module("embedding", torch::nn::Linear(in * grid * grid, config.embeddingSize));
  if (config.hasProjection()) m_projection = register_module("projection", projection(config));
}

int EmbeddingNetImpl::baseStages() const { return m_tower ? DlibResNetImpl::kStages : 1; }

torch::Tensor EmbeddingNetImpl::runStages(torch::Tensor x, int from, int to) {
  const int base = baseStages();
  if (from < base) {
    if (m_tower) {
      x = m_tower->forwardStages(x, from, std::min(to, base));
    } else if (to > 0) {
      x = m_embedding(m_dropout(m_int8Ranges.empty() ? m_features->forward(x) : featuresRoundedLikeInt8(x)));
    }
  }
  if (m_projection && from <= base && to > base) x = m_projection->forward(x);
  return x;
}

void EmbeddingNetImpl::foldBatchNorm() {
  if (!m_features || !m_config.batchNorm) return;
  torch::nn::Sequential folded;
  for (auto it = m_features->begin(); it != m_features->end(); ++it) {
    if (auto* block = it->ptr()->as<ResidualBlockImpl>()) block->foldBatchNorm();
    const auto next = std::next(it);
    auto* conv = it->ptr()->as<torch::nn::Conv2dImpl>();
    auto* bn = next != m_features->end() ? next->ptr()->as<torch::nn::BatchNorm2dImpl>() : nullptr;
    folded->push_back(*it);
    if (conv && bn) {
      foldInto(*conv, *bn);
      ++it;  // the batch norm is now part of the convolution
    }
  }
  m_features = replace_module("features", folded);
}

ResidualNetLayers EmbeddingNetImpl::residualLayers() {
  if (m_config.architecture != "resnet" || !m_features) throw Error("only a residual net of ours runs in 8-bit integers");
  ResidualNetLayers layers;
  for (const auto& module : *m_features) {
    if (module.ptr()->as<torch::nn::BatchNorm2dImpl>()) throw Error("fold the batch norms before reading the layers");
    if (auto* conv = module.ptr()->as<torch::nn::Conv2dImpl>()) layers.stem = conv;
    if (auto* block = module.ptr()->as<ResidualBlockImpl>()) layers.blocks.push_back(block->layers());
    if (auto* pool = module.ptr()->as<torch::nn::AdaptiveAvgPool2dImpl>()) {
      layers.grid = int((*pool->options.output_size())[0].value());
    }
  }
  return layers;
}

void EmbeddingNetImpl::setInt8Rounding(std::vector<float> ranges) {
  if (ranges.empty()) {
    m_int8Ranges.clear();
    return;
  }
  if (m_config.architecture != "resnet" || !m_features) throw Error("only a residual net of ours trains for 8-bit integers");
  std::size_t activations = 2;  // the input, the stem
  for (const auto& module : *m_features) {
    if (auto* block = module.ptr()->as<ResidualBlockImpl>()) activations += block->layers().shortcut ? 4 : 3;
  }
  if (ranges.size() != 2 * activations) {
    throw Error(std::to_string(ranges.size() / 2) + " 8-bit ranges for a network that rounds " + std::to_string(activations) +
                " activations");
  }
  m_int8Ranges = std::move(ranges);
}

torch::Tensor EmbeddingNetImpl::featuresRoundedLikeInt8(torch::Tensor x) {
  Int8Rounding rounding(m_int8Ranges);
  const torch::nn::Conv2dImpl* stem = nullptr;
  const torch::nn::BatchNorm2dImpl* stemNorm = nullptr;
  std::size_t blocks = 0, seen = 0;
  for (const auto& module : *m_features) blocks += module.ptr()->as<ResidualBlockImpl>() ? 1 : 0;
  x = rounding.activation(x);
  // The stem's convolution, its batch norm and ReLU; the blocks; the pooling and flattening.
  for (auto& module : *m_features) {
    if (const auto* conv = module.ptr()->as<torch::nn::Conv2dImpl>()) {
      stem = conv;
    } else if (const auto* norm = module.ptr()->as<torch::nn::BatchNorm2dImpl>()) {
      stemNorm = norm;
    } else if (module.ptr()->as<torch::nn::ReLUImpl>()) {
      x = rounding.activation(torch::relu(Int8Rounding::convolution(*stem, stemNorm, x)));
    } else if (auto* block = module.ptr()->as<ResidualBlockImpl>()) {
      x = block->forwardRounded(x, rounding, ++seen == blocks);
    } else {
      x = module.forward(x);
    }
  }
  return x;
}

torch::Tensor EmbeddingNetImpl::embeddingOfFeatures(torch::Tensor pooled) {
  torch::Tensor x = m_embedding(pooled);
  if (m_projection) x = m_projection->forward(x);
  if (m_config.l2Normalize) x = torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return x;
}

void EmbeddingNetImpl::freezeBefore(int stage) {
  m_firstTrainable = std::max(0, std::min(stage, baseStages() + 1));
  for (torch::Tensor& p : stageParameters(0, baseStages() + 1)) p.set_requires_grad(true);
  for (torch::Tensor& p : stageParameters(0, m_firstTrainable)) p.set_requires_grad(false);
}

torch::Tensor EmbeddingNetImpl::frozenPart(torch::Tensor images) {
  if (m_firstTrainable == 0) return images;
  torch::NoGradGuard noGrad;
  return runStages(std::move(images), 0, m_firstTrainable);
}

torch::Tensor EmbeddingNetImpl::trainablePart(torch::Tensor features) {
  torch::Tensor x = runStages(std::move(features), m_firstTrainable, baseStages() + 1);
  if (m_config.l2Normalize) x = torch::nn::functional::normalize(x, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return x;
}

std::vector<torch::Tensor> EmbeddingNetImpl::stageParameters(int from, int to) {
  std::vector<torch::Tensor> params;
  const auto append = [&params](const std::vector<torch::Tensor>& more) { params.insert(params.end(), more.begin(), more.end()); };
  const int base = baseStages();
  for (int stage = std::max(0, from); stage < std::min(to, base); ++stage) {
    if (m_tower) {
      append(m_tower->stageParameters(stage));
    } else {
      append(m_features->parameters());
      append(m_embedding->parameters());
    }
  }
  if (m_projection && from <= base && to > base) append(m_projection->parameters());
  return params;
}

KochHeadImpl::KochHeadImpl(int embeddingSize) {
  m_weights = register_module("weights", torch::nn::Linear(embeddingSize, 1));
}

torch::Tensor KochHeadImpl::forward(const torch::Tensor& a, const torch::Tensor& b) {
  return m_weights(torch::abs(a - b)).squeeze(1);
}

}  // namespace siamese::detail
