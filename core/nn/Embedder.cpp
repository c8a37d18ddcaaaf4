#include "nn/Embedder.h"

#include <cmath>
#include <cstring>
#include <future>
#include <omp.h>
#include <thread>

#include "common/Error.h"
#include "nn/BFloat16Inference.h"
#include "nn/EuclideanDistance.h"
#include "nn/Int8Inference.h"
#include "nn/TensorHeap.h"
#include "nn/detail/Int8ResidualNet.h"
#include "nn/detail/ModelIo.h"
#include "nn/detail/OneThreadWorker.h"

#include <torch/version.h>

namespace siamese {

DevicePreference parseDevice(const std::string& name) {
  if (name == "auto") return DevicePreference::Auto;
  if (name == "cpu") return DevicePreference::Cpu;
  if (name == "cuda" || name == "gpu") return DevicePreference::Cuda;
  throw Error("unknown device '" + name + "' (choose auto, cpu or cuda)");
}

void configureTorchThreads(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
}

std::string torchVersion() { return TORCH_VERSION; }

std::string autoDeviceName() { return detail::chooseDevice(true, false).str(); }

namespace {

/// The folded network's convolutions and linear layers in bfloat16, the
/// convolutions' weights channels-last. Their members are cast, not their
/// registered parameters: folding the batch norms left the folded weights
/// and biases in the members (Networks.cpp's foldInto).
void castToBFloat16(torch::nn::Module& net) {
  torch::NoGradGuard noGrad;
  for (const auto& module : net.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
      conv->weight = conv->weight.to(torch::kBFloat16).contiguous(torch::MemoryFormat::ChannelsLast);
      if (conv->bias.defined()) conv->bias = conv->bias.to(torch::kBFloat16);
    } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      linear->weight = linear->weight.to(torch::kBFloat16);
      if (linear->bias.defined()) linear->bias = linear->bias.to(torch::kBFloat16);
    }
  }
}

}  // namespace

// A batch this small runs faster on one thread: splitting one face's
// convolutions between two cores costs more than it saves (`siamese bench
// embedding`: the tower embeds 44 faces/s at batch 1 on one thread, 20 on
// two). LibTorch's CPU kernels and oneDNN run OpenMP teams sized by the
// calling thread's own OpenMP setting, so only this call is affected;
// at::set_num_threads would change every thread's. The whole call runs so,
// the crops' conversion to floats too: after a team of two ends, its
// second thread spins for the next one (libgomp's default wait) and takes
// the other core from the network's single thread (batch 1 on two threads
// ran at 50-60 faces/s against 85-100 on one until the conversion was
// inside the guard).
constexpr std::int64_t kSmallestParallelBatch = 4;

/// When `one`, this thread's parallel work runs on one OpenMP thread while
/// it lives; then the setting before comes back.
class OneThreadHere {
 public:
  explicit OneThreadHere(bool one) : m_previous(omp_get_max_threads()), m_changed(one && m_previous > 1) {
    if (m_changed) omp_set_num_threads(1);
  }
  ~OneThreadHere() {
    if (m_changed) omp_set_num_threads(m_previous);
  }
  OneThreadHere(const OneThreadHere&) = delete;
  OneThreadHere& operator=(const OneThreadHere&) = delete;

 private:
  int m_previous;
  bool m_changed;
};

struct Embedder::Impl {
  /// While a model is loaded, the memory its batches free stays in the
  /// heap for the next batch (see TensorHeap.h: batches of 64 embedded 5×
  /// faster once they stopped faulting their pages in again).
  KeptTensorMemory keptMemory;
  BundleMetadata metadata;
  detail::SiameseModel model;
  torch::Device device{torch::kCPU};
  // The Koch head's weights on the CPU: distance() is called for single
  // pairs (matching), where a device round trip would cost more than the sum.
  std::vector<float> headWeights;
  float headBias = 0;
  /// Batches go in channels-last (NHWC), so oneDNN skips reordering every
  /// layer's activations to and from its own layout. For the face tower
  /// and for every network in bfloat16: in float32 the tower embeds 12-20%
  /// faster at batch 8 and 64 that way on these CPUs (`siamese bench
  /// embedding`, two rounds), while our own networks were as fast or slower
  /// (the default convnet 10-20% slower at batch 1).
  bool channelsLast = false;
  bool splitBatches = false;  ///< setBatchSplitBetweenThreads
  std::unique_ptr<detail::OneThreadWorker> helper;  ///< embeds the second half of a split batch
  /// The network in 8-bit integers, when the bundle is calibrated for it
  /// and it runs on the CPU; null: float32.
  std::unique_ptr<detail::Int8ResidualNet> int8;
  /// The network in bfloat16 (channels-last), when the bundle asks for it,
  /// it runs on the CPU and the CPU computes bfloat16 (BFloat16Inference.h).
  bool bfloat16 = false;

  /// A conformed batch embedded (mirror-averaged when the bundle asks).
  torch::Tensor embedConformed(const torch::Tensor& input) {
    const bool mirror = metadata.input.mirrorAverage;
    if (bfloat16) {
      // The network normalises its output in bfloat16; normalised again in
      // float32, the embedding is of unit length to float32's precision.
      const auto forward = [this](const torch::Tensor& batch) {
        const torch::Tensor out = model.net->forward(batch.to(torch::kBFloat16)).to(torch::kFloat);
        if (!metadata.network.l2Normalize) return out;
        return torch::nn::functional::normalize(out, torch::nn::functional::NormalizeFuncOptions().dim(1));
      };
      return detail::embedImages(forward, metadata.network.l2Normalize, input, mirror);
    }
    if (!int8) return detail::embedImages(model.net, input, mirror);
    return detail::embedImages([this](const torch::Tensor& batch) { return int8->forward(batch); },
                               metadata.network.l2Normalize, input, mirror);
  }

  /// On the CPU a large batch runs in chunks whose activations stay in the
  /// cache: the network's passes over a whole batch of 64 faces (and their
  /// mirror images) would stream tens of megabytes through memory.
  torch::Tensor embedInChunks(const torch::Tensor& input) {
    constexpr std::int64_t kCpuChunk = 16;
    if (!device.is_cpu() || input.size(0) <= kCpuChunk) return embedConformed(input);
    std::vector<torch::Tensor> parts;
    for (const torch::Tensor& chunk : input.split(kCpuChunk)) parts.push_back(embedConformed(chunk));
    return torch::cat(parts);
  }

  /// `pixels` converted to the network's input and embedded.
  torch::Tensor embedPixels(const torch::Tensor& pixels) {
    torch::InferenceMode guard;  // per thread: helpers need their own
    const InputSpec& in = metadata.input;
    torch::Tensor input = detail::toNetworkInput(pixels, in.size, in.channels, in.normalization);
    if (channelsLast) input = input.contiguous(torch::MemoryFormat::ChannelsLast);
    return embedInChunks(input);
  }

  /// With setBatchSplitBetweenThreads, a batch of `count` faces on the CPU
  /// with two threads is cut in two (see embedInHalves; with more threads,
  /// LibTorch splitting each layer between them was not measured against it).
  bool splitsBatchOf(std::int64_t count) const {
    return splitBatches && device.is_cpu() && omp_get_max_threads() == 2 && count >= kSmallestParallelBatch;
  }

  /// `pixels` cut in two, each half converted and embedded with one OpenMP
  /// thread, one here and one on the helper (which lives as long as the
  /// embedder). The calling thread must run the whole call on one OpenMP
  /// thread, the crops' conversion too (OneThreadHere): a team of two that
  /// ended moments before leaves its second thread spinning for the next
  /// one (libgomp's default wait), on the core the helper needs. While the
  /// conversion still ran on two threads, the student (without mirror
  /// averaging) embedded batches of 8 slower cut than on one thread
  /// (`siamese bench embedding --batch-split-too`: 485 faces/s against
  /// 548), and 734 cut with OMP_WAIT_POLICY=passive.
  torch::Tensor embedInHalves(const torch::Tensor& pixels) {
    if (!helper) helper = std::make_unique<detail::OneThreadWorker>();
    const std::vector<torch::Tensor> halves = pixels.tensor_split(2);
    std::future<torch::Tensor> second = helper->run([this, half = halves[1]] { return embedPixels(half); });
    const torch::Tensor first = embedPixels(halves[0]);
    return torch::cat({first, second.get()});
  }

  /// `pixels`: [N, C, H, W] floats in 0..255 on the model's device.
  std::vector<Embedding> run(const torch::Tensor& pixels, bool split) {
    torch::InferenceMode guard;
    // (The last run of a long call may hold a single crop.)
    const torch::Tensor embedded = split && pixels.size(0) >= 2 ? embedInHalves(pixels) : embedPixels(pixels);
    const torch::Tensor out = embedded.to(torch::kCPU).contiguous();
    std::vector<Embedding> embeddings(std::size_t(out.size(0)));
    const float* data = out.data_ptr<float>();
    const std::size_t dim = std::size_t(out.size(1));
    for (std::size_t i = 0; i < embeddings.size(); ++i) embeddings[i].assign(data + i * dim, data + (i + 1) * dim);
    return embeddings;
  }
};

std::unique_ptr<Embedder> Embedder::load(const std::string& bundlePath, DevicePreference device) {
  return fromBundle(readBundle(bundlePath), device, bundlePath);
}

std::unique_ptr<Embedder> Embedder::fromBundle(const BundleFile& bundle, DevicePreference device,
                                               const std::string& origin) {
  if (bundle.metadata.bfloat16 && !bundle.metadata.int8.empty()) {
    throw FileError(origin, "the model asks to embed both in bfloat16 and in 8-bit integers");
  }
  auto impl = std::make_unique<Impl>();
  impl->metadata = bundle.metadata;
  impl->model = detail::makeModel(bundle.metadata.network, bundle.metadata.distance == "koch");
  try {
    detail::deserializeModel(bundle.weights, impl->model);
  } catch (const Error& e) {
    throw FileError(origin, e.what());
  }
  impl->device = detail::chooseDevice(device != DevicePreference::Cpu, device == DevicePreference::Cuda);
  impl->model.to(impl->device);
  impl->model.train(false);
  impl->model.net->foldBatchNorm();
  impl->channelsLast = impl->device.is_cpu() && bundle.metadata.network.isDlibResNet();
  if (bundle.metadata.bfloat16 && impl->device.is_cpu() && cpuComputesBFloat16()) {
    castToBFloat16(*impl->model.net);
    impl->bfloat16 = true;
    // oneDNN's bfloat16 convolutions want channels-last (the student's
    // layers in Debian's python3-torch, a crop and its mirror on one
    // thread: 3.3 ms channels-first, 2.2 ms channels-last).
    impl->channelsLast = true;
  }
  // A calibrated bundle on a GPU, or where LibTorch has no integer engine,
  // runs in float32: the same network, its embeddings a hair apart.
  if (!bundle.metadata.int8.empty() && impl->device.is_cpu() && int8Unsupported(bundle.metadata.network).empty()) {
    try {
      impl->int8 = std::make_unique<detail::Int8ResidualNet>(impl->model.net, bundle.metadata.int8);
      impl->splitBatches = true;  // see setBatchSplitBetweenThreads
    } catch (const Error& e) {
      throw FileError(origin, e.what());
    }
  }
  if (impl->model.head) {
    const auto params = impl->model.head->named_parameters();
    const torch::Tensor w = params["weights.weight"].to(torch::kCPU).contiguous();
    impl->headWeights.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
    impl->headBias = params["weights.bias"].to(torch::kCPU).item<float>();
  }
  return std::unique_ptr<Embedder>(new Embedder(std::move(impl)));
}

Embedder::Embedder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Embedder::~Embedder() = default;

std::vector<Embedding> Embedder::embed(const std::vector<Image>& crops) {
  torch::InferenceMode guard;
  const bool split = m_impl->splitsBatchOf(std::int64_t(crops.size()));
  const OneThreadHere threads{split || std::int64_t(crops.size()) < kSmallestParallelBatch};
  std::vector<Embedding> all;
  constexpr std::size_t kBatch = 128;
  std::size_t start = 0;
  while (start < crops.size()) {
    // A run of crops of one shape becomes one tensor, converted and resized
    // to the model's input in one call (per-crop calls cost more than the
    // network itself for small batches).
    const Image& first = crops[start];
    std::size_t end = start;
    while (end < crops.size() && end - start < kBatch && crops[end].width() == first.width() &&
           crops[end].height() == first.height() && crops[end].channels() == first.channels()) {
      if (crops[end].empty()) throw Error("cannot embed an empty crop");
      ++end;
    }
    if (end == start) throw Error("cannot embed an empty crop");
    const std::size_t rowBytes = std::size_t(first.width()) * first.channels();
    torch::Tensor pixels = torch::empty({std::int64_t(end - start), first.height(), first.width(), first.channels()},
                                        torch::kUInt8);
    std::uint8_t* out = pixels.data_ptr<std::uint8_t>();
    for (std::size_t i = start; i < end; ++i) {
      // Row by row: an Image may have padding between rows.
      for (int y = 0; y < first.height(); ++y, out += rowBytes) std::memcpy(out, crops[i].row(y), rowBytes);
    }
    // run() converts to the model's channels, size and scaling.
    const torch::Tensor batch = pixels.permute({0, 3, 1, 2}).to(torch::kFloat32);
    auto embeddings = m_impl->run(batch.to(m_impl->device), split);
    all.insert(all.end(), std::make_move_iterator(embeddings.begin()), std::make_move_iterator(embeddings.end()));
    start = end;
  }
  return all;
}

std::vector<Embedding> Embedder::embedPacked(const std::uint8_t* pixels, std::size_t count, int cropSize,
                                             int channels) {
  const bool split = m_impl->splitsBatchOf(std::int64_t(count));
  const OneThreadHere threads{split || std::int64_t(count) < kSmallestParallelBatch};
  std::vector<Embedding> all;
  constexpr std::size_t kBatch = 256;
  const std::size_t bytesPerCrop = std::size_t(cropSize) * cropSize * channels;
  for (std::size_t start = 0; start < count; start += kBatch) {
    const std::size_t n = std::min(kBatch, count - start);
    auto batch = m_impl->run(detail::packedCropsToFloat(pixels + start * bytesPerCrop, n, cropSize, channels, m_impl->device), split);
    all.insert(all.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
  }
  return all;
}

double Embedder::distance(const Embedding& a, const Embedding& b) const {
  if (a.size() != b.size()) throw Error("embeddings of different sizes cannot be compared");
  if (m_impl->metadata.distance == "koch") {
    double logit = m_impl->headBias;
    for (std::size_t i = 0; i < a.size(); ++i) logit += m_impl->headWeights[i] * std::abs(a[i] - b[i]);
    return 1.0 - 1.0 / (1.0 + std::exp(-logit));
  }
  return euclideanDistance(a, b);
}

void Embedder::setBatchSplitBetweenThreads(bool split) { m_impl->splitBatches = split; }

bool Embedder::batchSplitBetweenThreads() const { return m_impl->splitBatches; }

const BundleMetadata& Embedder::metadata() const { return m_impl->metadata; }

std::string Embedder::precision() const {
  if (m_impl->int8) return "int8";
  return m_impl->bfloat16 ? "bfloat16" : "float32";
}

std::string Embedder::deviceName() const { return m_impl->device.str(); }

}  // namespace siamese
