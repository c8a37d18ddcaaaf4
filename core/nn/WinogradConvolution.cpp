#include "nn/detail/WinogradConvolution.h"

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#if SIAMESE_HAVE_DNNL
#include <dnnl.hpp>
#endif

namespace siamese {
namespace {
std::atomic<std::uint64_t> g_winogradRuns{0};
}  // namespace

std::uint64_t winogradConvolutionsRun() { return g_winogradRuns.load(); }

namespace detail {
namespace {
thread_local bool t_winograd = false;
}  // namespace

WinogradScope::WinogradScope(bool enabled) : m_previous(t_winograd) { t_winograd = enabled && winogradSupported(); }
WinogradScope::~WinogradScope() { t_winograd = m_previous; }
bool winogradEnabled() { return t_winograd; }

bool ConvolutionImpl::winogradApplies(const torch::Tensor& input) const {
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
  const auto isOnes = [](const torch::ExpandingArray<2>& a) { return (*a)[0] == 1 && (*a)[1] == 1; };
  return winogradEnabled() && is_training() && torch::GradMode::is_enabled() && input.device().is_cpu() &&
         input.scalar_type() == torch::kFloat && input.dim() == 4 && (*options.kernel_size())[0] == 3 &&
         (*options.kernel_size())[1] == 3 && isOnes(options.stride()) && padding && isOnes(*padding) &&
         isOnes(options.dilation()) && options.groups() == 1 &&
         c10::get_if<torch::enumtype::kZeros>(&options.padding_mode()) && options.in_channels() % 16 == 0 &&
         options.out_channels() % 16 == 0;
}

torch::Tensor ConvolutionImpl::forward(const torch::Tensor& input) {
  if (winogradApplies(input)) {
    torch::Tensor output = winogradConv2d(input, weight, bias);
    if (output.defined()) return output;
  }
  return Conv2dImpl::forward(input);
}

#if !SIAMESE_HAVE_DNNL

torch::Tensor winogradConv2d(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&) { return {}; }

}  // namespace detail

bool winogradSupported() { return false; }

#else

namespace {
using dnnl::memory;
using Dims = memory::dims;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// A dense tensor as oneDNN sees it: its sizes and its strides, so NCHW and
/// channels-last tensors (and weights in either) are read in place.
memory::desc describe(const torch::Tensor& t) {
  return memory::desc(Dims(t.sizes().begin(), t.sizes().end()), memory::data_type::f32,
                      Dims(t.strides().begin(), t.strides().end()));
}

/// Memory of the layout oneDNN chose, held by a byte tensor so that
/// LibTorch's allocator (and the training heap's settings) serve it.
struct Buffer {
  torch::Tensor bytes;
  memory mem;
};

Buffer allocate(const memory::desc& desc) {
  Buffer b;
  b.bytes = torch::empty({std::int64_t(std::max<std::size_t>(desc.get_size(), 64))}, torch::kUInt8);
  b.mem = memory(desc, cpuEngine(), b.bytes.data_ptr());
  return b;
}

memory view(const torch::Tensor& t) { return memory(describe(t), cpuEngine(), t.data_ptr()); }

/// `from` in the layout `want`: itself when it already is, else a reordered copy.
memory conform(const memory& from, const memory::desc& want, dnnl::stream& stream, Buffer& holder) {
  if (from.get_desc() == want) return from;
  holder = allocate(want);
  memory source = from;
  dnnl::reorder(source, holder.mem).execute(stream, source, holder.mem);
  return holder.mem;
}

void copyInto(const memory& from, const torch::Tensor& to, dnnl::stream& stream) {
  memory source = from, target = view(to);
  dnnl::reorder(source, target).execute(stream, source, target);
}

/// Runs a primitive with a scratchpad of its own, so that two runs training
/// at once (the app can train and adapt together) never share one.
void execute(const dnnl::primitive& primitive, const dnnl::primitive_desc_base& pd,
             std::unordered_map<int, memory> args, dnnl::stream& stream) {
  Buffer scratch = allocate(pd.scratchpad_desc());
  args.emplace(DNNL_ARG_SCRATCHPAD, scratch.mem);
  primitive.execute(stream, args);
  stream.wait();
}

/// The two backward Winograd primitives of one convolution shape.
struct Kernels {
  dnnl::convolution_backward_data::primitive_desc backwardDataDesc;
  dnnl::convolution_backward_weights::primitive_desc backwardWeightsDesc;
  dnnl::convolution_backward_data backwardData;
  dnnl::convolution_backward_weights backwardWeights;
};

/// Batch, channels in, channels out, height, width, bias.
using ShapeKey = std::array<std::int64_t, 6>;

std::shared_ptr<const Kernels> makeKernels(const ShapeKey& k) {
  const auto any = [](const Dims& d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); };
  const memory::desc src = any({k[0], k[1], k[3], k[4]}), weights = any({k[2], k[1], 3, 3}),
                     dst = any({k[0], k[2], k[3], k[4]}), bias = any({k[2]});
  const Dims ones{1, 1};
  const auto winograd = dnnl::algorithm::convolution_winograd;
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  try {
    auto forward = k[5] ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, winograd, src, weights,
                                                          bias, dst, ones, ones, ones)
                        : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, winograd, src, weights,
                                                          dst, ones, ones, ones);
    // oneDNN makes backward primitives from a forward one, never run here.
    dnnl::convolution_forward::primitive_desc forwardDesc(forward, attr, cpuEngine());
    dnnl::convolution_backward_data::desc backwardData(winograd, src, weights, dst, ones, ones, ones);
    dnnl::convolution_backward_data::primitive_desc backwardDataDesc(backwardData, attr, cpuEngine(), forwardDesc);
    auto backwardWeights =
        k[5] ? dnnl::convolution_backward_weights::desc(winograd, src, weights, bias, dst, ones, ones, ones)
             : dnnl::convolution_backward_weights::desc(winograd, src, weights, dst, ones, ones, ones);
    dnnl::convolution_backward_weights::primitive_desc backwardWeightsDesc(backwardWeights, attr, cpuEngine(),
                                                                          forwardDesc);
    return std::make_shared<const Kernels>(Kernels{backwardDataDesc, backwardWeightsDesc,
                                                   dnnl::convolution_backward_data(backwardDataDesc),
                                                   dnnl::convolution_backward_weights(backwardWeightsDesc)});
  } catch (const dnnl::error&) {
    return nullptr;  // no Winograd kernel for this shape or CPU
  }
}

/// Primitives are made once per shape (oneDNN compiles them); a shape
/// without Winograd kernels is remembered as such.
std::shared_ptr<const Kernels> kernelsFor(const ShapeKey& key) {
  static std::mutex mutex;
  static std::map<ShapeKey, std::shared_ptr<const Kernels>> made;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto found = made.find(key);
  if (found != made.end()) return found->second;
  return made.emplace(key, makeKernels(key)).first->second;
}

torch::MemoryFormat layoutOf(const torch::Tensor& t) {
  return t.is_contiguous(torch::MemoryFormat::ChannelsLast) && !t.is_contiguous() ? torch::MemoryFormat::ChannelsLast
                                                                                   : torch::MemoryFormat::Contiguous;
}

torch::Tensor dense(const torch::Tensor& t) { return t.is_non_overlapping_and_dense() ? t : t.contiguous(); }

ShapeKey keyOf(const torch::Tensor& input, const torch::Tensor& weight, bool bias) {
  return {input.size(0), input.size(1), weight.size(0), input.size(2), input.size(3), bias ? 1 : 0};
}

class WinogradFunction : public torch::autograd::Function<WinogradFunction> {
 public:
  // The forward pass is LibTorch's direct convolution (no grad here: it
  // runs inside the autograd function). oneDNN's Winograd forward kernel
  // was slower in a training step than LibTorch's channels-last direct one
  // once its reorders into the blocked layout and back were paid
  // (`siamese bench training`, two rounds: the convnet 161-171 against
  // 186-218 images/s, the residual net 256 against 288-292), while
  // both backward passes gain.
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                               const torch::Tensor& weight, const torch::Tensor& bias) {
    const bool hasBias = bias.numel() > 0;
    const torch::MemoryFormat layout = layoutOf(input);
    const torch::Tensor in = input.contiguous(layout);
    ctx->saved_data["input"] = in;
    ctx->saved_data["has_bias"] = hasBias;
    ctx->save_for_backward({weight});
    return torch::conv2d(in, weight, hasBias ? c10::optional<torch::Tensor>(bias) : c10::nullopt, 1, 1);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const torch::Tensor weight = ctx->get_saved_variables()[0];
    const torch::Tensor in = ctx->saved_data["input"].toTensor();
    const bool hasBias = ctx->saved_data["has_bias"].toBool();
    const auto kernels = kernelsFor(keyOf(in, weight, hasBias));
    dnnl::stream stream(cpuEngine());
    const torch::MemoryFormat layout = layoutOf(in);
    const torch::Tensor gradOutput = grads[0].contiguous(layout);
    const memory userDiffDst = view(gradOutput);

    torch::Tensor gradInput, gradWeight, gradBias;
    Buffer diffDstCopy;
    const auto& data = kernels->backwardDataDesc;
    const memory diffDst = conform(userDiffDst, data.diff_dst_desc(), stream, diffDstCopy);
    if (ctx->needs_input_grad(0)) {
      Buffer weightsCopy;
      const memory weights = conform(view(dense(weight)), data.weights_desc(), stream, weightsCopy);
      Buffer diffSrc = allocate(data.diff_src_desc());
      execute(kernels->backwardData, data,
              {{DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diffSrc.mem}}, stream);
      gradInput = torch::empty(in.sizes(), in.options().memory_format(layout));
      copyInto(diffSrc.mem, gradInput, stream);
    }
    if (ctx->needs_input_grad(1) || (hasBias && ctx->needs_input_grad(2))) {
      const auto& pd = kernels->backwardWeightsDesc;
      Buffer srcCopy, diffDstCopy2;
      const memory src = conform(view(in), pd.src_desc(), stream, srcCopy);
      const memory diffDst2 = diffDst.get_desc() == pd.diff_dst_desc()
                                  ? diffDst
                                  : conform(userDiffDst, pd.diff_dst_desc(), stream, diffDstCopy2);
      Buffer diffWeights = allocate(pd.diff_weights_desc());
      std::unordered_map<int, memory> args{
          {DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diffDst2}, {DNNL_ARG_DIFF_WEIGHTS, diffWeights.mem}};
      Buffer diffBias;
      if (hasBias) {
        diffBias = allocate(pd.diff_bias_desc());
        args.emplace(DNNL_ARG_DIFF_BIAS, diffBias.mem);
      }
      execute(kernels->backwardWeights, pd, args, stream);
      gradWeight = torch::empty_like(weight);  // the weight's own strides
      copyInto(diffWeights.mem, dense(gradWeight), stream);
      if (hasBias) {
        gradBias = torch::empty({weight.size(0)}, weight.options());
        copyInto(diffBias.mem, gradBias, stream);
      }
    }
    return {gradInput, gradWeight, gradBias};
  }
};

}  // namespace

torch::Tensor winogradConv2d(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!kernelsFor(keyOf(input, weight, bias.defined()))) return {};
  ++g_winogradRuns;
  // LibTorch's autograd functions take no undefined tensor: no bias is an empty one.
  return WinogradFunction::apply(input, weight, bias.defined() ? bias : torch::empty({0}));
}

}  // namespace detail

bool winogradSupported() {
  // A probe of one small shape: oneDNN has Winograd kernels only for some
  // instruction sets (AVX-512 on x86).
  static const bool supported = detail::kernelsFor({16, 16, 16, 8, 8, 1}) != nullptr;
  return supported;
}

#endif

}  // namespace siamese
