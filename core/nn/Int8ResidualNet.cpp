#include "nn/detail/Int8ResidualNet.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "nn/Int8Inference.h"
#include "nn/detail/ModelIo.h"

namespace siamese {
namespace detail {

ActivationScale activationScaleOf(float low, float high) {
  const double lo = std::min(0.0, double(low)), hi = std::max(0.0, double(high));
  const double scale = std::max(hi - lo, 1e-6) / 255.0;
  return {scale, std::clamp<std::int64_t>(std::llround(-lo / scale), 0, 255)};
}

torch::Tensor weightLevelsOf(const torch::Tensor& weight) {
  return weight.detach().abs().amax({1, 2, 3}).clamp_min(1e-12) / 127.0;
}

const torch::ExpandingArray<2>& explicitPaddingOf(const torch::nn::Conv2dImpl& conv) {
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&conv.options.padding());
  if (!padding) throw Error("a convolution without explicit padding cannot run in 8-bit integers");
  return *padding;
}

namespace {

/// LibTorch's integer kernels for x86 in Debian's build are oneDNN's (it
/// has no FBGEMM); the engine is global, and is chosen once, before any
/// weights are packed for it.
bool useOneDnnEngine() {
  static const bool available = [] {
    const auto& engines = at::globalContext().supportedQEngines();
    if (std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) == engines.end()) return false;
    at::globalContext().setQEngine(at::QEngine::ONEDNN);
    return true;
  }();
  return available;
}

/// The weights rounded symmetrically per output channel to -127..127.
torch::Tensor roundedWeight(const torch::nn::Conv2dImpl& conv) {
  const torch::Tensor weight = conv.weight.detach().to(torch::kCPU).contiguous();
  return at::quantize_per_channel(weight, weightLevelsOf(weight).to(torch::kDouble), torch::zeros({weight.size(0)}, torch::kLong),
                                  0, at::kQInt8);
}

torch::List<std::int64_t> pairOf(const torch::ExpandingArray<2>& a) { return torch::List<std::int64_t>({(*a)[0], (*a)[1]}); }

/// The rounded weights packed for the engine with the bias in float, less
/// `correction` (one value per output channel; undefined: none).
c10::intrusive_ptr<ConvPackedParamsBase<2>> packConvolution(const torch::nn::Conv2dImpl& conv,
                                                             const torch::Tensor& correction) {
  static const auto prepack =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("quantized::conv2d_prepack", "")
          .typed<c10::intrusive_ptr<ConvPackedParamsBase<2>>(at::Tensor, c10::optional<at::Tensor>, torch::List<std::int64_t>,
                                                             torch::List<std::int64_t>, torch::List<std::int64_t>,
                                                             std::int64_t)>();
  c10::optional<at::Tensor> bias;
  if (conv.bias.defined()) bias = conv.bias.detach().to(torch::kCPU).contiguous();
  if (correction.defined()) bias = (bias ? *bias : torch::zeros({conv.weight.size(0)})) - correction;
  return prepack.call(roundedWeight(conv), bias, pairOf(conv.options.stride()), pairOf(explicitPaddingOf(conv)),
                      pairOf(conv.options.dilation()), conv.options.groups());
}

/// The mean shift that rounding a convolution's weights gives each output
/// channel, summed over the calibration batches: its input convolved with
/// the rounding error (padding included, which matters on maps of 5 × 5),
/// averaged over the positions. Rounding each weight to the nearest level
/// is unbiased weight by weight, but the activations it multiplies are not
/// centred (after a ReLU they are all ≥ 0), so each channel's errors add up
/// to an offset; taking it off its bias is the bias correction of Nagel et
/// al., "Data-Free Quantization" (2019), measured here on the crops.
class BiasShiftRecorder {
 public:
  void see(const torch::nn::Conv2dImpl& conv, const torch::Tensor& input) {
    if (m_next == m_sums.size()) {
      m_sums.push_back(torch::zeros({conv.weight.size(0)}, torch::kDouble));
      m_errors.push_back(roundedWeight(conv).dequantize() - conv.weight.detach().to(torch::kCPU));
    }
    const torch::Tensor shift = torch::conv2d(input, m_errors[m_next], {}, conv.options.stride(), explicitPaddingOf(conv),
                                              conv.options.dilation(), conv.options.groups());
    m_sums[m_next] += shift.sum({0, 2, 3}).to(torch::kDouble) / double(shift.size(2) * shift.size(3));
    ++m_next;
  }
  void startBatch(std::int64_t images) {
    m_next = 0;
    m_images += images;
  }
  /// Each convolution's mean shift per output channel, one after another.
  std::vector<float> flattened() const {
    std::vector<float> out;
    for (const torch::Tensor& sum : m_sums) {
      const torch::Tensor mean = (sum / double(std::max<std::int64_t>(1, m_images))).to(torch::kFloat).contiguous();
      out.insert(out.end(), mean.data_ptr<float>(), mean.data_ptr<float>() + mean.numel());
    }
    return out;
  }

 private:
  std::vector<torch::Tensor> m_sums, m_errors;
  std::size_t m_next = 0;
  std::int64_t m_images = 0;
};

torch::Tensor addThenRelu(const torch::Tensor& a, const torch::Tensor& b, const ActivationScale& out) {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("quantized::add_relu", "")
                             .typed<at::Tensor(at::Tensor, at::Tensor, double, std::int64_t)>();
  return op.call(a, b, out.scale, out.zeroPoint);
}

std::size_t activationsOf(const ResidualNetLayers& layers) {
  std::size_t count = 2;  // the input, the stem
  for (const auto& block : layers.blocks) count += block.shortcut ? 4 : 3;
  return count;
}

/// Of all the integer convolutions together.
std::size_t outputChannelsOf(const ResidualNetLayers& layers) {
  std::size_t count = std::size_t(layers.stem->weight.size(0));
  for (const auto& block : layers.blocks) {
    for (const torch::nn::Conv2dImpl* conv : {block.conv1, block.conv2, block.shortcut}) {
      if (conv) count += std::size_t(conv->weight.size(0));
    }
  }
  return count;
}

/// Each activation's values over the calibration batches, in the order
/// they are first seen (the order of Int8ResidualNet's class comment): a
/// first pass over the batches records their minimum and maximum, and for
/// Int8Ranges::LeastSquares a second one counts them in a histogram over
/// that range, from which each activation's range is chosen.
class RangeRecorder {
 public:
  static constexpr std::int64_t kBins = 2048;

  explicit RangeRecorder(std::size_t activations)
      : m_ranges(activations, {std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()}),
        m_histograms(activations, std::vector<double>(kBins, 0.0)) {}
  void startBatch() { m_next = 0; }
  void startCounting() { m_counting = true; }

  const torch::Tensor& see(const torch::Tensor& t) {
    const std::size_t i = m_next++;
    auto& range = m_ranges.at(i);
    if (m_counting) {
      // histc counts in float32, exact only up to 2^24 a bin; a batch's
      // activation holds more values than that (most of them in the ReLU's
      // zero bin), so it is counted in slices and summed in double.
      constexpr std::int64_t kSlice = std::int64_t(1) << 22;
      const torch::Tensor values = t.to(torch::kFloat).reshape({-1});
      std::vector<double>& histogram = m_histograms[i];
      for (std::int64_t start = 0; start < values.numel(); start += kSlice) {
        const torch::Tensor counts =
            torch::histc(values.slice(0, start, std::min(values.numel(), start + kSlice)), kBins, range.first, range.second)
                .to(torch::kDouble)
                .contiguous();
        const double* n = counts.data_ptr<double>();
        for (std::int64_t k = 0; k < kBins; ++k) histogram[std::size_t(k)] += n[k];
      }
      return t;
    }
    const auto [low, high] = torch::aminmax(t);
    range.first = std::min(range.first, low.item<float>());
    range.second = std::max(range.second, high.item<float>());
    return t;
  }

  /// min, max pairs: the whole range measured, or (after counting) the
  /// range of least expected squared error.
  std::vector<float> flattened() const {
    std::vector<float> out;
    for (std::size_t i = 0; i < m_ranges.size(); ++i) {
      auto [low, high] = m_ranges[i];
      if (m_counting) std::tie(low, high) = leastSquaresRange(low, high, m_histograms[i]);
      out.push_back(low);
      out.push_back(high);
    }
    return out;
  }

 private:
  std::vector<std::pair<float, float>> m_ranges;
  std::vector<std::vector<double>> m_histograms;
  std::size_t m_next = 0;
  bool m_counting = false;
};

}  // namespace

std::pair<float, float> leastSquaresRange(float low, float high, const std::vector<double>& counts) {
  const double lo = std::min(0.0, double(low)), hi = std::max(0.0, double(high));
  if (counts.empty() || hi - lo <= 0) return {low, high};
  const double binWidth = (double(high) - double(low)) / double(counts.size());
  double bestError = std::numeric_limits<double>::max(), bestFactor = 1;
  for (int step = 0; step <= 190; ++step) {
    const double f = 1.0 - 0.005 * step;
    const double a = lo * f, b = hi * f, quantum = (b - a) / 255.0;
    double error = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (counts[k] == 0) continue;
      const double centre = double(low) + (double(k) + 0.5) * binWidth;
      const double outside = centre < a ? a - centre : (centre > b ? centre - b : 0.0);
      error += counts[k] * (outside > 0 ? outside * outside : quantum * quantum / 12.0);
    }
    if (error < bestError) {
      bestError = error;
      bestFactor = f;
    }
  }
  return {float(lo * bestFactor), float(hi * bestFactor)};
}

Int8ResidualNet::Int8ResidualNet(EmbeddingNet net, const Int8Calibration& calibration) : m_net(std::move(net)) {
  if (const std::string why = int8Unsupported(m_net->config()); !why.empty()) throw Error(why);
  const ResidualNetLayers layers = m_net->residualLayers();
  const std::vector<float>& ranges = calibration.ranges;
  if (ranges.size() != 2 * activationsOf(layers)) {
    throw Error("the model's 8-bit calibration holds " + std::to_string(ranges.size() / 2) + " activation ranges where its network has " +
                std::to_string(activationsOf(layers)) + "; calibrate it again (siamese model --precision int8)");
  }
  const std::vector<float>& corrections = calibration.biasCorrections;
  if (!corrections.empty() && corrections.size() != outputChannelsOf(layers)) {
    throw Error("the model's 8-bit calibration holds " + std::to_string(corrections.size()) +
                " bias corrections where its network has " + std::to_string(outputChannelsOf(layers)) +
                " output channels; calibrate it again (siamese model --precision int8)");
  }
  std::size_t next = 0, nextCorrection = 0;
  const auto nextScale = [&] {
    const ActivationScale s = activationScaleOf(ranges[next], ranges[next + 1]);
    next += 2;
    return s;
  };
  const auto pack = [&](const torch::nn::Conv2dImpl& conv) {
    torch::Tensor correction;
    if (!corrections.empty()) {
      const std::int64_t channels = conv.weight.size(0);
      correction = torch::tensor(std::vector<float>(corrections.begin() + std::ptrdiff_t(nextCorrection),
                                                    corrections.begin() + std::ptrdiff_t(nextCorrection + channels)));
      nextCorrection += std::size_t(channels);
    }
    return packConvolution(conv, correction);
  };
  torch::NoGradGuard noGrad;
  m_input = nextScale();
  m_stem = {pack(*layers.stem), nextScale()};
  for (const auto& block : layers.blocks) {
    Block b;
    b.conv1 = {pack(*block.conv1), nextScale()};
    b.conv2 = {pack(*block.conv2), nextScale()};
    if (block.shortcut) b.shortcut = {pack(*block.shortcut), nextScale()};
    b.out = nextScale();
    m_blocks.push_back(std::move(b));
  }
  m_grid = layers.grid;
}

torch::Tensor Int8ResidualNet::forward(const torch::Tensor& input) {
  // Channels-last: the layout oneDNN's integer convolutions run on.
  torch::Tensor x = at::quantize_per_tensor(input.contiguous(torch::MemoryFormat::ChannelsLast), m_input.scale,
                                            m_input.zeroPoint, at::kQUInt8);
  x = m_stem.packed->apply_relu(x, m_stem.out.scale, m_stem.out.zeroPoint);
  torch::Tensor features;
  for (std::size_t i = 0; i < m_blocks.size(); ++i) {
    Block& b = m_blocks[i];
    torch::Tensor y = b.conv1.packed->apply_relu(x, b.conv1.out.scale, b.conv1.out.zeroPoint);
    y = b.conv2.packed->apply(y, b.conv2.out.scale, b.conv2.out.zeroPoint);
    const torch::Tensor shortcut = b.shortcut.packed ? b.shortcut.packed->apply(x, b.shortcut.out.scale, b.shortcut.out.zeroPoint) : x;
    if (i + 1 < m_blocks.size()) {
      x = addThenRelu(y, shortcut, b.out);
    } else {
      // The last sum, and the pooling after it, in float32: the features go
      // straight into the embedding layer, and rounding them to the block's
      // 256 levels (the pooled averages too, which integer pooling would
      // round again) was the coarsest step left. A few thousand values a face.
      features = torch::relu(y.dequantize() + shortcut.dequantize());
    }
  }
  if (!features.defined()) features = x.dequantize();  // a net of no blocks
  features = at::adaptive_avg_pool2d(features, {m_grid, m_grid});
  return m_net->embeddingOfFeatures(features.flatten(1));
}

Int8Calibration Int8ResidualNet::calibrate(EmbeddingNet net, const std::vector<torch::Tensor>& batches,
                                           Int8Ranges method, bool biasCorrections) {
  torch::NoGradGuard noGrad;
  const ResidualNetLayers layers = net->residualLayers();
  RangeRecorder ranges(activationsOf(layers));
  BiasShiftRecorder shifts;
  bool firstPass = true;  // the bias shifts are measured in the first pass only
  const auto measure = [&] {
    for (const torch::Tensor& batch : batches) {
      // The float network's own computation, step by step as forward() takes it.
      ranges.startBatch();
      const bool measureShifts = firstPass && biasCorrections;
      if (measureShifts) shifts.startBatch(batch.size(0));
      const auto convolve = [&](torch::nn::Conv2dImpl& conv, const torch::Tensor& input) {
        if (measureShifts) shifts.see(conv, input);
        return conv.forward(input);
      };
      torch::Tensor x = ranges.see(batch);
      x = ranges.see(torch::relu(convolve(*layers.stem, x)));
      for (const auto& block : layers.blocks) {
        const torch::Tensor y = ranges.see(torch::relu(convolve(*block.conv1, x)));
        const torch::Tensor z = ranges.see(convolve(*block.conv2, y));
        const torch::Tensor shortcut = block.shortcut ? ranges.see(convolve(*block.shortcut, x)) : x;
        x = ranges.see(torch::relu(z + shortcut));
      }
    }
    firstPass = false;
  };
  measure();
  if (method == Int8Ranges::LeastSquares) {
    ranges.startCounting();
    measure();
  }
  Int8Calibration calibration;
  calibration.ranges = ranges.flattened();
  calibration.biasCorrections = shifts.flattened();
  return calibration;
}

}  // namespace detail

namespace {

bool trainedThroughRounding(const BundleMetadata& metadata) {
  const std::string& config = metadata.training.configJson;
  if (config.empty()) return false;
  const nlohmann::json json = nlohmann::json::parse(config, nullptr, /*allow_exceptions=*/false);
  return json.is_object() && json.value("quantization_aware", false);
}

}  // namespace

std::string int8RangesName(Int8Ranges method) {
  return method == Int8Ranges::LeastSquares ? "least-squares" : "min-max";
}

Int8Ranges parseInt8Ranges(const std::string& name) {
  if (name == "min-max") return Int8Ranges::MinMax;
  if (name == "least-squares") return Int8Ranges::LeastSquares;
  throw Error("8-bit ranges are chosen by min-max or least-squares, not '" + name + "'");
}

std::string int8Unsupported(const NetworkConfig& network) {
  if (network.architecture != "resnet" || network.isDlibResNet()) {
    return "only a residual net of ours (--arch resnet, such as the distilled student) runs in 8-bit integers, not a " +
           network.architecture;
  }
  if (!detail::useOneDnnEngine()) return "this LibTorch has no oneDNN integer engine, so the model runs in float32";
  return "";
}

Int8Calibration calibrateInt8(const BundleFile& bundle, const std::uint8_t* crops, std::size_t count, int cropSize,
                              int channels, const std::string& calibratedOn, Int8Ranges method) {
  if (const std::string why = int8Unsupported(bundle.metadata.network); !why.empty()) throw Error(why);
  if (count == 0) throw Error("8-bit calibration needs crops to measure");
  torch::InferenceMode inference;
  detail::SiameseModel model = detail::makeModel(bundle.metadata.network, bundle.metadata.distance == "koch");
  detail::deserializeModel(bundle.weights, model);
  model.train(false);
  model.net->foldBatchNorm();
  // Mirror images too when the model embeds them: they are half of what it sees.
  const InputSpec& in = bundle.metadata.input;
  std::vector<torch::Tensor> batches;
  constexpr std::size_t kBatch = 64;
  const std::size_t bytesPerCrop = std::size_t(cropSize) * cropSize * channels;
  for (std::size_t start = 0; start < count; start += kBatch) {
    const std::size_t n = std::min(kBatch, count - start);
    const torch::Tensor pixels = detail::packedCropsToFloat(crops + start * bytesPerCrop, n, cropSize, channels, torch::kCPU);
    torch::Tensor input = detail::toNetworkInput(pixels, in.size, in.channels, in.normalization);
    if (in.mirrorAverage) input = torch::cat({input, input.flip({3})});
    batches.push_back(input);
  }
  // A model trained through the rounding (siamese train --quantization-aware)
  // learnt its biases against the rounded weights: correcting them again
  // would add back the shift it already took off.
  Int8Calibration calibration =
      detail::Int8ResidualNet::calibrate(model.net, batches, method, !trainedThroughRounding(bundle.metadata));
  calibration.calibratedOn = calibratedOn;
  calibration.rangesFrom = int8RangesName(method);
  calibration.crops = int(count);
  return calibration;
}

}  // namespace siamese
