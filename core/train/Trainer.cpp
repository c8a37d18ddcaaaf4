// The training loop: one step (sample, augment, forward, loss, backward,
// optimiser), one epoch with progress and time-based checkpoints, the
// validation after it, and the bundle of the best epoch. The sampler,
// augmentation, checkpoint and model card are pieces of their own
// (train/detail/); LibTorch's training machinery stays in this file, the
// augmentation and the checkpoint, so only they pay its compile time.

#include "train/Trainer.h"

#include <cstdio>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/cuda.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/Error.h"
#include "eval/CropMatch.h"
#include "eval/Metrics.h"
#include "nn/BFloat16Inference.h"
#include "nn/Embedder.h"
#include "nn/TensorHeap.h"
#include "nn/detail/Int8ResidualNet.h"
#include "nn/detail/Losses.h"
#include "nn/detail/ModelIo.h"
#include "nn/detail/OneThreadWorker.h"
#include "nn/detail/WinogradConvolution.h"
#include "train/detail/Augmentation.h"
#include "train/detail/BatchSampler.h"
#include "train/detail/Checkpoint.h"
#include "train/detail/MixedPrecision.h"
#include "train/detail/TrainedModelCard.h"

namespace siamese {
namespace {

using Clock = std::chrono::steady_clock;

// With loss scaling, overflowed steps in a row before a run gives up: by
// then the scale has fallen by 2^40, so the scale is not the trouble.
constexpr int kMostSkippedStepsInARow = 40;

// Adds the time since the last mark to one phase of the profile (a no-op
// without one). Phases are timed back to back, so they add up to the step.
// On a GPU each mark first waits for the work queued so far, so that a
// phase is charged with its own kernels rather than the next one's wait.
class PhaseClock {
 public:
  PhaseClock(StepProfile* profile, bool onGpu) : m_profile(profile), m_onGpu(onGpu), m_last(Clock::now()) {}
  void mark(double StepProfile::*phase) {
    if (!m_profile) return;
    if (m_onGpu) torch::cuda::synchronize();
    const auto now = Clock::now();
    m_profile->*phase += std::chrono::duration<double, std::milli>(now - m_last).count();
    m_last = now;
  }

 private:
  StepProfile* m_profile;
  bool m_onGpu;
  Clock::time_point m_last;
};

/// What one step trains on. It is made from (seed, epoch, step) alone, so
/// the loader thread can make the next step's while this one trains, and a
/// resumed run gets the same.
struct StepInput {
  torch::Tensor images;   ///< the trainable part's input, augmented
  torch::Tensor labels;   ///< online sampling: each face's person within the batch
  torch::Tensor same;     ///< pairs sampling: 1 for a same-person pair
  torch::Tensor targets;  ///< distillation: the teacher's embedding of each (mirrored) crop
};

// Each row scaled to unit length: the embeddings a teacher gives.
torch::Tensor unitRows(const torch::Tensor& embeddings) {
  return torch::nn::functional::normalize(embeddings, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

struct ValidationResult {
  double loss = 0;
  double accuracy = 0;
  double auc = 0;
  ScoredPairs scored;
};

class Run {
 public:
  Run(const FaceCache& cache, const TrainData& data, const TrainConfig& config, const TrainOptions& options)
      : m_cache(cache), m_data(data), m_config(validated(config)), m_options(options),
        m_sampler(cache, data, m_config) {
    m_device = detail::chooseDevice(config.device != "cpu", config.device == "cuda");
    configureTorchThreads(config.threads);
    torch::manual_seed(config.seed);
    m_model = detail::makeModel(m_config.network, m_config.loss == "koch");
    if (!m_config.init.empty()) startFromPretrained();
    roundLikeInt8();
    m_model.to(m_device);
    m_channelsLast = options.channelsLast && m_device.is_cpu() && detail::channelsLastTrains(m_model);
    m_loaderThread = options.loader == TrainOptions::Loader::On ||
                     (options.loader == TrainOptions::Loader::Auto &&
                      (!m_device.is_cpu() || unsigned(torch::get_num_threads()) < std::thread::hardware_concurrency()));
    if (m_channelsLast) detail::useChannelsLast(m_model);
    checkPrecision();
    if (options.lossScaling || options.precision == TrainOptions::Precision::Float16) {
      m_scaler.emplace(options.initialLossScale);
    }
    makeOptimizer();
  }

  TrainResult run();

 private:
  static TrainConfig validated(TrainConfig config) {
    config.validate();
    return config;
  }
  /// Refuses a 16-bit precision the device cannot train in, saying why.
  void checkPrecision() const;
  void startFromPretrained();
  /// With TrainConfig::quantizationAware, before any checkpoint is loaded:
  /// the ranges the model the run starts from takes, set for rounding.
  void roundLikeInt8();
  void makeOptimizer();
  /// The faces' crops as floats [N, C, H, W] in 0..255 (BGR or grey, at the cache's size) on the device.
  torch::Tensor pixelsOf(const std::vector<int>& faces) const;
  /// The same crops scaled to [-1, 1], still at the cache's size.
  torch::Tensor unitRangePixelsOf(const std::vector<int>& faces) const { return pixelsOf(faces).div_(127.5).sub_(1.0); }
  /// Whether each of `count` crops is mirrored, as 1 or 0 [count] on the
  /// device: one draw per crop when augmentation flips, none otherwise.
  torch::Tensor drawMirrors(std::size_t count, Rng& rng) const;
  /// Crops as unit-range floats [N, C, H, W] at the network's size.
  torch::Tensor loadBatch(const std::vector<int>& faces) const;
  /// What the trainable part of the network takes for these faces: the
  /// frozen part's cached output (mirrored at random when augmenting with
  /// flips), or the crops, augmented and normalised as the model expects.
  torch::Tensor trainingInput(const std::vector<int>& faces, Rng& rng, std::uint64_t augmentSeed) const;
  /// Embeddings of faces in evaluation mode (mirror-averaged when the
  /// model embeds that way).
  torch::Tensor embedFaces(const std::vector<int>& faces);
  /// Runs the frozen layers once over every face the run uses.
  void cacheFrozenFeatures();
  /// Distillation: runs the teacher once over every face the run uses.
  void computeTeacherTargets();
  /// The student's augmented crops and the teacher's embeddings they are taught.
  void distillationInput(const std::vector<int>& faces, Rng& rng, std::uint64_t augmentSeed, StepInput& input) const;
  /// Consistent teaching: the teacher embeds the augmented crops (unit
  /// range, at the cache's size; mirrored here at random) and the student
  /// is given the same crops at its size.
  void teachAugmentedCrops(const std::vector<int>& faces, Rng& rng, torch::Tensor crops, StepInput& input) const;
  /// With mixFaces: that share of the crops, each blended with another crop
  /// of the batch (weight uniform in 0..1); the others as they are.
  torch::Tensor blendFaces(const torch::Tensor& crops, Rng& rng) const;
  /// Every face the run trains or validates on, sorted.
  std::vector<int> facesUsed() const;
  torch::Tensor inLayout(const torch::Tensor& images) const {
    if (!m_channelsLast) return images;
    const torch::Tensor packed = images.contiguous(torch::MemoryFormat::ChannelsLast);
    if (packed.size(1) != 1) return packed;
    // One channel (grey faces): NCHW and NHWC are the same bytes, and an
    // NCHW batch keeps its NCHW strides here. The stem's convolution then
    // returned NCHW, and the next convolution reordered it to channels-last
    // and back in every forward and backward pass: about 10 ms each per
    // step of the residual net, most of what it trailed PyTorch by (its
    // batch came from a permuted NHWC store, with channels-last strides).
    const std::int64_t h = packed.size(2), w = packed.size(3);
    return packed.as_strided(packed.sizes(), {h * w, 1, w, 1});
  }
  double learningRateAt(int epoch, std::size_t step) const;
  /// Samples and makes a step's input; touches no state the training step
  /// changes, so it runs on the loader thread beside a step.
  StepInput prepareStep(int epoch, std::size_t step);
  /// prepareStep on a thread of its own, with one LibTorch thread: the
  /// step it overlaps keeps the others.
  std::future<StepInput> prepareAhead(int epoch, std::size_t step);
  torch::Tensor trainStep(int epoch, std::size_t step, const StepInput& input, PhaseClock& clock);
  torch::Tensor loss(const StepInput& input);
  torch::Tensor pairDistanceOrLogit(const torch::Tensor& a, const torch::Tensor& b, bool logits);
  /// Runs the epoch's steps from `firstStep`; false when stopped.
  bool trainEpoch(int epoch, std::size_t firstStep);
  /// Validates, records the epoch, keeps the best weights, checkpoints;
  /// false when early stopping ends the run.
  bool endEpoch(int epoch, Clock::time_point started);
  void reportStep(int epoch, std::size_t step);
  ValidationResult validate();
  void checkpoint(int nextEpoch, std::size_t nextStep);
  /// With weight averaging: validates the mean of the epochs' weights,
  /// leaving it in the model, and returns its validation when it beats the
  /// best epoch's.
  std::optional<ValidationResult> validateAverage(WeightAverageOutcome& outcome);
  /// The bundle of the best weights: the average when it won, else the best epoch's.
  BundleFile bestBundle(WeightAverageOutcome& average);

  const FaceCache& m_cache;
  const TrainData& m_data;
  const TrainConfig m_config;
  const TrainOptions& m_options;
  detail::BatchSampler m_sampler;
  torch::Device m_device{torch::kCPU};
  detail::SiameseModel m_model;
  std::unique_ptr<torch::optim::Optimizer> m_optimizer;
  std::optional<detail::LossScaler> m_scaler;  ///< with float16 (or TrainOptions::lossScaling)
  std::vector<torch::Tensor> m_trainedParameters;  ///< every tensor the optimiser updates (for the scaler)

  bool m_channelsLast = false;  ///< weights and batches NHWC (see TrainOptions)
  bool m_loaderThread = false;  ///< batches made ahead (see TrainOptions::loader)
  std::optional<BundleMetadata> m_pretrained;  ///< what the run started from
  std::string m_normalization = "unit-range";   ///< of the network's input (InputSpec)
  std::vector<double> m_groupScales;            ///< learning-rate factor per optimiser group
  /// The frozen layers' output per face (rows by m_featureRow), and of its
  /// mirror image; undefined when nothing is frozen.
  torch::Tensor m_features, m_mirroredFeatures;
  std::unordered_map<int, std::int64_t> m_featureRow;
  /// Distillation: the teacher's unit embedding of each face and of its
  /// mirror image (rows by m_targetRow).
  std::optional<BundleMetadata> m_teacher;
  /// With teachAugmented: the teacher itself, run on every step's crops.
  /// mutable: the loader thread runs it from a const method; in evaluation
  /// mode without gradients its forward pass changes nothing.
  mutable std::optional<detail::SiameseModel> m_teacherModel;
  torch::Tensor m_targets, m_mirroredTargets;
  std::unordered_map<int, std::int64_t> m_targetRow;
  detail::RunState m_state;
  Clock::time_point m_runStart = Clock::now();
  Clock::time_point m_stepsStart = Clock::now();  ///< after the frozen layers' pass: images/s and the ETA count from here
  Clock::time_point m_lastCheckpoint = Clock::now();
  std::size_t m_stepsDone = 0;  ///< in this process (for images/s and the ETA)
  ProgressThrottle m_throttle{std::chrono::milliseconds(500)};
  /// With TrainOptions::operatorTrace: records until the run ends.
  std::unique_ptr<torch::autograd::profiler::RecordProfile> m_operatorTrace;
};

// The rounding quantization-aware training imitates is of float32 values
// (and LibTorch's fake quantization takes no bfloat16).
constexpr const char* kRoundingInFloat32 =
    "quantization-aware training rounds float32 values as 8-bit inference does: train it in float32";

void Run::checkPrecision() const {
  switch (m_options.precision) {
    case TrainOptions::Precision::Float32:
      return;
    case TrainOptions::Precision::Bfloat16:
      if (m_config.quantizationAware) throw Error(kRoundingInFloat32);
      if (m_device.is_cpu() && !cpuComputesBFloat16()) {
        throw Error("bfloat16 training needs a CPU with AVX-512 BF16 instructions, which this one lacks");
      }
      return;
    case TrainOptions::Precision::Float16:
      if (m_config.quantizationAware) throw Error(kRoundingInFloat32);
      if (!m_device.is_cuda()) {
        throw Error("float16 training is for a GPU (CUDA), and this run is on the CPU: choose bfloat16 or float32");
      }
      return;
  }
}

void Run::startFromPretrained() {
  const BundleFile pretrained = readBundle(m_config.init.from);
  const BundleMetadata& meta = pretrained.metadata;
  requireMatchingCrops(meta.input, m_cache.settings(), "the model " + m_config.init.from);
  detail::loadPretrained(pretrained.weights, meta.network, meta.distance == "koch", m_model);
  m_model.net->freezeBefore(m_config.firstTrainableStage());
  m_normalization = meta.input.normalization;
  m_pretrained = meta;
}

void Run::roundLikeInt8() {
  if (!m_config.quantizationAware) return;
  // Measured as `siamese model --precision int8` measures (mirror images
  // too when the model embeds them), on the first photos the run trains
  // on, from the weights it starts from: a resumed run rounds the same.
  detail::SiameseModel folded = detail::makeModel(m_config.network, m_config.loss == "koch");
  detail::deserializeModel(detail::serializeModel(m_model), folded);
  folded.train(false);
  folded.net->foldBatchNorm();
  torch::NoGradGuard noGrad;
  constexpr std::size_t kPhotos = 512, kChunk = 64;
  const std::vector<int>& faces = m_data.trainFaces;
  std::vector<torch::Tensor> batches;
  for (std::size_t start = 0; start < std::min(kPhotos, faces.size()); start += kChunk) {
    const std::vector<int> chunk(faces.begin() + std::ptrdiff_t(start),
                                 faces.begin() + std::ptrdiff_t(std::min({kPhotos, faces.size(), start + kChunk})));
    torch::Tensor input = detail::fromUnitRange(loadBatch(chunk), m_normalization).to(torch::kCPU);
    if (m_config.mirrorAverage()) input = torch::cat({input, input.flip({3})});
    batches.push_back(input);
  }
  if (batches.empty()) throw Error("quantization-aware training needs training photos to measure the ranges on");
  m_model.net->setInt8Rounding(detail::Int8ResidualNet::calibrate(folded.net, batches, Int8Ranges::MinMax, /*biasCorrections=*/false).ranges);
}

std::vector<int> Run::facesUsed() const {
  std::set<int> needed(m_data.trainFaces.begin(), m_data.trainFaces.end());
  for (const std::vector<Pair>* pairs : {&m_data.trainPairs, &m_data.validationPairs, &m_data.hardNegatives}) {
    for (const Pair& p : *pairs) {
      needed.insert(p.a);
      needed.insert(p.b);
    }
  }
  return std::vector<int>(needed.begin(), needed.end());
}

void Run::computeTeacherTargets() {
  if (m_config.loss != "distil") return;
  const BundleFile teacher = readBundle(m_config.teacher);
  requireMatchingCrops(teacher.metadata.input, m_cache.settings(), "the teacher " + m_config.teacher);
  detail::SiameseModel model = detail::makeModel(teacher.metadata.network, teacher.metadata.distance == "koch");
  detail::deserializeModel(teacher.weights, model);
  model.to(m_device);
  model.train(false);
  m_teacher = teacher.metadata;
  if (m_config.teachAugmented) {
    if (m_device.is_cpu() && teacher.metadata.network.isDlibResNet()) detail::useChannelsLast(model);
    m_teacherModel = std::move(model);
    return;
  }
  torch::NoGradGuard noGrad;
  const InputSpec& in = teacher.metadata.input;
  const std::vector<int> faces = facesUsed();
  std::vector<torch::Tensor> plain, mirrored;
  Progress progress;
  progress.total = faces.size();
  progress.message = "running the teacher once over every photo";
  for (std::size_t start = 0; start < faces.size(); start += 64) {
    if (m_options.stop && m_options.stop->stopRequested()) throw Error("stopped while running the teacher");
    const std::size_t n = std::min<std::size_t>(64, faces.size() - start);
    const std::vector<int> chunk(faces.begin() + std::ptrdiff_t(start), faces.begin() + std::ptrdiff_t(start + n));
    const torch::Tensor input = detail::toNetworkInput(pixelsOf(chunk), in.size, in.channels, in.normalization);
    plain.push_back(unitRows(model.net->forward(input)));
    mirrored.push_back(unitRows(model.net->forward(input.flip({3}))));
    if (m_options.featureProgress) {
      progress.done = start + n;
      m_options.featureProgress(progress);
    }
  }
  m_targets = torch::cat(plain);
  m_mirroredTargets = torch::cat(mirrored);
  for (std::size_t i = 0; i < faces.size(); ++i) m_targetRow[faces[i]] = std::int64_t(i);
}

void Run::distillationInput(const std::vector<int>& faces, Rng& rng, std::uint64_t augmentSeed, StepInput& input) const {
  // Flips are drawn here, not in the augmentation, so that a mirrored crop
  // is taught the teacher's embedding of the mirrored crop.
  AugmentConfig noFlip = m_config.augment;
  noFlip.flip = false;
  if (m_teacherModel) {
    teachAugmentedCrops(faces, rng, detail::augmentBatch(unitRangePixelsOf(faces), noFlip, augmentSeed), input);
    return;
  }
  torch::Tensor images = detail::augmentBatch(loadBatch(faces), noFlip, augmentSeed);
  std::vector<std::int64_t> rows;
  for (int face : faces) rows.push_back(m_targetRow.at(face));
  const torch::Tensor flip = drawMirrors(faces.size(), rng);
  images = torch::where(flip.view({-1, 1, 1, 1}) > 0.5, images.flip({3}), images);
  const torch::Tensor index = torch::tensor(rows).to(m_device);
  input.targets = torch::where(flip.view({-1, 1}) > 0.5, m_mirroredTargets.index_select(0, index),
                               m_targets.index_select(0, index));
  input.images = inLayout(detail::fromUnitRange(images, m_normalization));
}

torch::Tensor Run::drawMirrors(std::size_t count, Rng& rng) const {
  const bool flips = m_config.augment.enabled && m_config.augment.flip;
  std::vector<float> mirrored;
  for (std::size_t i = 0; i < count; ++i) mirrored.push_back(flips && rng.unit() < 0.5 ? 1.0f : 0.0f);
  return torch::tensor(mirrored).to(m_device);
}

void Run::teachAugmentedCrops(const std::vector<int>& faces, Rng& rng, torch::Tensor crops, StepInput& input) const {
  const torch::Tensor flip = drawMirrors(faces.size(), rng).view({-1, 1, 1, 1});
  crops = torch::where(flip > 0.5, crops.flip({3}), crops);
  if (m_config.mixFaces > 0) crops = blendFaces(crops, rng);
  // The crop is augmented at the cache's size; the teacher is given it at
  // its input size, the student at its own.
  const InputSpec& in = m_teacher->input;
  torch::Tensor teacherInput = detail::toNetworkInput((crops + 1) * 127.5, in.size, in.channels, in.normalization);
  if (m_device.is_cpu() && m_teacher->network.isDlibResNet()) {
    teacherInput = teacherInput.contiguous(torch::MemoryFormat::ChannelsLast);
  }
  input.targets = unitRows(m_teacherModel->net->forward(teacherInput));
  const torch::Tensor images = detail::conformBatch(crops, m_config.network.inputSize, m_config.network.channels);
  input.images = inLayout(detail::fromUnitRange(images, m_normalization));
}

torch::Tensor Run::blendFaces(const torch::Tensor& crops, Rng& rng) const {
  const std::int64_t count = crops.size(0);
  std::vector<std::int64_t> partner(static_cast<std::size_t>(count));
  std::vector<float> weight(partner.size(), 1.0f);
  for (std::int64_t i = 0; i < count; ++i) {
    partner[std::size_t(i)] = i;
    if (count > 1 && rng.unit() < m_config.mixFaces) {
      partner[std::size_t(i)] = (i + 1 + std::int64_t(rng.below(std::uint64_t(count - 1)))) % count;  // never itself
      weight[std::size_t(i)] = float(rng.unit());
    }
  }
  const torch::Tensor own = torch::tensor(weight).to(m_device).view({-1, 1, 1, 1});
  return crops * own + crops.index_select(0, torch::tensor(partner).to(m_device)) * (1 - own);
}

void Run::makeOptimizer() {
  // From scratch, one group at the full rate. From a pretrained model, its
  // layers that train learn more slowly than what is new on top.
  std::vector<std::vector<torch::Tensor>> groups;
  m_groupScales.clear();
  if (!m_pretrained) {
    groups.push_back(m_model.parameters());
    m_groupScales.push_back(1.0);
  } else {
    const int base = m_model.net->baseStages();
    std::vector<torch::Tensor> fresh = m_model.net->stageParameters(base, base + 1);
    if (m_model.head) {
      const auto head = m_model.head->parameters();
      fresh.insert(fresh.end(), head.begin(), head.end());
    }
    const std::vector<torch::Tensor> pretrained = m_model.net->stageParameters(m_model.net->firstTrainableStage(), base);
    if (!fresh.empty()) {
      groups.push_back(fresh);
      m_groupScales.push_back(1.0);
    }
    if (!pretrained.empty()) {
      groups.push_back(pretrained);
      m_groupScales.push_back(m_config.init.baseLearningRateScale);
    }
  }
  const double lr = m_config.learningRate, wd = m_config.weightDecay;
  const auto& params = groups.front();
  if (m_config.optimizer == "adam") {
    m_optimizer = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(lr).weight_decay(wd));
  } else if (m_config.optimizer == "adamw") {
    m_optimizer = std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(lr).weight_decay(wd));
  } else if (m_config.optimizer == "rmsprop") {
    m_optimizer = std::make_unique<torch::optim::RMSprop>(params, torch::optim::RMSpropOptions(lr).weight_decay(wd));
  } else {
    m_optimizer = std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(lr).momentum(m_config.momentum).weight_decay(wd));
  }
  for (std::size_t g = 1; g < groups.size(); ++g) {
    torch::optim::OptimizerParamGroup group(groups[g], m_optimizer->param_groups().front().options().clone());
    m_optimizer->add_param_group(group);
  }
  for (const auto& group : groups) m_trainedParameters.insert(m_trainedParameters.end(), group.begin(), group.end());
}

torch::Tensor Run::pixelsOf(const std::vector<int>& faces) const {
  const CacheSettings& s = m_cache.settings();
  const std::size_t bytes = m_cache.bytesPerFace();
  // For a GPU the crops are gathered in page-locked memory, which its copy
  // engine reads directly while the host goes on (the caching host
  // allocator keeps the block until that copy is done).
  const bool toGpu = m_device.is_cuda();
  torch::Tensor packed = torch::empty({std::int64_t(faces.size()), s.cropSize, s.cropSize, s.channels},
                                      torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(toGpu));
  std::uint8_t* out = packed.data_ptr<std::uint8_t>();
  for (std::size_t i = 0; i < faces.size(); ++i) std::memcpy(out + i * bytes, m_cache.pixels(std::size_t(faces[i])), bytes);
  return packed.to(m_device, /*non_blocking=*/toGpu).permute({0, 3, 1, 2}).to(torch::kFloat32);
}

torch::Tensor Run::loadBatch(const std::vector<int>& faces) const {
  return detail::conformBatch(unitRangePixelsOf(faces), m_config.network.inputSize, m_config.network.channels);
}

torch::Tensor Run::trainingInput(const std::vector<int>& faces, Rng& rng, std::uint64_t augmentSeed) const {
  if (!m_features.defined()) {
    const torch::Tensor augmented = detail::augmentBatch(loadBatch(faces), m_config.augment, augmentSeed);
    return inLayout(detail::fromUnitRange(augmented, m_normalization));
  }
  std::vector<std::int64_t> rows;
  for (int face : faces) rows.push_back(m_featureRow.at(face));
  const torch::Tensor choose = drawMirrors(faces.size(), rng);
  const torch::Tensor index = torch::tensor(rows).to(m_device);
  torch::Tensor plain = m_features.index_select(0, index);
  if (!(m_config.augment.enabled && m_config.augment.flip)) return plain;
  const torch::Tensor flipped = m_mirroredFeatures.index_select(0, index);
  std::vector<std::int64_t> shape(std::size_t(plain.dim()), 1);
  shape[0] = plain.size(0);
  const torch::Tensor useMirror = choose.view(shape);
  return plain * (1 - useMirror) + flipped * useMirror;
}

torch::Tensor Run::embedFaces(const std::vector<int>& faces) {
  if (!m_features.defined()) {
    return detail::embedImages(m_model.net, inLayout(detail::fromUnitRange(loadBatch(faces), m_normalization)),
                               m_config.mirrorAverage());
  }
  std::vector<std::int64_t> rows;
  for (int face : faces) rows.push_back(m_featureRow.at(face));
  const torch::Tensor at = torch::tensor(rows).to(m_device);
  torch::Tensor embedding = m_model.net->trainablePart(m_features.index_select(0, at));
  if (!m_config.mirrorAverage()) return embedding;
  embedding = (embedding + m_model.net->trainablePart(m_mirroredFeatures.index_select(0, at))) * 0.5;
  if (m_config.network.l2Normalize) {
    embedding = torch::nn::functional::normalize(embedding, torch::nn::functional::NormalizeFuncOptions().dim(1));
  }
  return embedding;
}

void Run::cacheFrozenFeatures() {
  if (m_model.net->firstTrainableStage() == 0) return;
  const std::vector<int> faces = facesUsed();
  const bool mirrors = (m_config.augment.enabled && m_config.augment.flip) || m_config.mirrorAverage();
  torch::NoGradGuard noGrad;
  m_model.train(false);
  std::vector<torch::Tensor> plain, mirrored;
  constexpr std::size_t kChunk = 64;
  Progress progress;
  progress.total = faces.size();
  progress.message = "running the frozen layers once over every photo";
  const auto started = Clock::now();
  for (std::size_t start = 0; start < faces.size(); start += kChunk) {
    if (m_options.stop && m_options.stop->stopRequested()) throw Error("stopped while running the frozen layers");
    const std::vector<int> chunk(faces.begin() + std::ptrdiff_t(start),
                                 faces.begin() + std::ptrdiff_t(std::min(faces.size(), start + kChunk)));
    const torch::Tensor input = inLayout(detail::fromUnitRange(loadBatch(chunk), m_normalization));
    plain.push_back(m_model.net->frozenPart(input).contiguous());
    if (mirrors) mirrored.push_back(m_model.net->frozenPart(input.flip({3})).contiguous());
    if (start == 0) {
      // Refuse before filling memory: the cached output of early stages is large.
      const double bytes = double(plain.front().numel()) / double(chunk.size()) * 4.0 * double(faces.size()) * (mirrors ? 2 : 1);
      if (bytes > 4e9) {
        throw Error("keeping the frozen layers' output for " + std::to_string(faces.size()) + " photos would take " +
                    std::to_string(int(bytes / 1e9)) + " GB: train fewer blocks, or all of the network");
      }
    }
    if (m_options.featureProgress) {
      progress.done = start + chunk.size();
      progress.unitsPerSecond = double(progress.done) / std::max(1e-6, std::chrono::duration<double>(Clock::now() - started).count());
      m_options.featureProgress(progress);
    }
  }
  m_features = torch::cat(plain);
  if (mirrors) m_mirroredFeatures = torch::cat(mirrored);
  for (std::size_t i = 0; i < faces.size(); ++i) m_featureRow[faces[i]] = std::int64_t(i);
  m_model.train(true);
}

double Run::learningRateAt(int epoch, std::size_t step) const {
  return scheduledLearningRate(m_config, epoch, step, m_sampler.stepsPerEpoch());
}

torch::Tensor Run::pairDistanceOrLogit(const torch::Tensor& a, const torch::Tensor& b, bool logits) {
  if (m_model.head) {
    const torch::Tensor logit = m_model.head->forward(a, b);
    return logits ? logit : 1 - torch::sigmoid(logit);
  }
  return detail::euclidean(a, b);
}

StepInput Run::prepareStep(int epoch, std::size_t step) {
  torch::NoGradGuard noGrad;
  // Every random draw of the batch comes from (seed, epoch, step).
  Rng rng(detail::mixSeeds(m_config.seed, std::uint64_t(epoch), step + (1ull << 40)));
  const std::uint64_t augmentSeed = detail::mixSeeds(m_config.seed, std::uint64_t(epoch), step + (1ull << 42));
  StepInput input;
  if (m_config.sampling == "online") {
    const detail::OnlineBatch batch = m_sampler.online(rng);
    if (m_config.loss == "distil") {
      distillationInput(batch.faces, rng, augmentSeed, input);
    } else {
      input.images = trainingInput(batch.faces, rng, augmentSeed);
      input.labels = torch::tensor(batch.labels, torch::kInt64).to(m_device);
    }
    return input;
  }
  const detail::PairBatch batch = m_sampler.pairs(epoch, step);
  Rng pairRng(detail::mixSeeds(m_config.seed, std::uint64_t(epoch), step + (1ull << 41)));
  input.images = trainingInput(batch.faces, pairRng, augmentSeed);
  input.same = torch::tensor(batch.same).to(m_device);
  return input;
}

std::future<StepInput> Run::prepareAhead(int epoch, std::size_t step) {
  // std::async, not a OneThreadWorker: a dropped future of std::async waits
  // for its batch, so a stopped run never leaves one being made behind it.
  return std::async(std::launch::async, [this, epoch, step] {
    detail::keepThisThreadToOneOpenMpThread();
    return prepareStep(epoch, step);
  });
}

torch::Tensor Run::trainStep(int epoch, std::size_t step, const StepInput& input, PhaseClock& clock) {
  // Dropout and the Koch head's pair draws come from (seed, epoch, step).
  torch::manual_seed(detail::mixSeeds(m_config.seed, std::uint64_t(epoch), step));
  auto& groups = m_optimizer->param_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(learningRateAt(epoch, step) * m_groupScales[g]);
  m_optimizer->zero_grad();
  clock.mark(&StepProfile::optimizerMs);
  torch::Tensor value = loss(input);
  clock.mark(&StepProfile::forwardMs);
  (m_scaler ? m_scaler->scaled(value) : value).backward();
  clock.mark(&StepProfile::backwardMs);
  if (!m_scaler || m_scaler->unscale(m_trainedParameters)) m_optimizer->step();
  clock.mark(&StepProfile::optimizerMs);
  return value;
}

torch::Tensor Run::loss(const StepInput& input) {
  torch::Tensor embeddings;
  if (m_options.precision != TrainOptions::Precision::Float32) {
    const detail::AutocastScope lowPrecision(
        m_device.type(), m_options.precision == TrainOptions::Precision::Float16 ? at::kHalf : at::kBFloat16);
    embeddings = m_model.net->trainablePart(input.images).to(torch::kFloat32);
  } else {
    embeddings = m_model.net->trainablePart(input.images);
  }
  if (m_config.loss == "distil") return (embeddings - input.targets).pow(2).sum(1).mean();
  if (input.same.defined()) {
    // Pairs: both sides of every pair went through the one shared branch in one pass.
    const std::int64_t half = input.same.size(0);
    const torch::Tensor a = embeddings.slice(0, 0, half);
    const torch::Tensor b = embeddings.slice(0, half);
    return m_config.loss == "koch" ? detail::kochLoss(pairDistanceOrLogit(a, b, true), input.same)
                                   : detail::contrastiveLoss(pairDistanceOrLogit(a, b, false), input.same, m_config.margin);
  }
  if (m_config.loss == "triplet") return detail::batchHardTripletLoss(embeddings, input.labels, m_config.margin);
  if (m_config.loss == "contrastive") return detail::batchContrastiveLoss(embeddings, input.labels, m_config.margin);

  // Koch head: every same pair of the batch and as many random different pairs.
  const auto [sameMask, differentMask] = detail::pairMasks(input.labels);
  const torch::Tensor upper = torch::ones_like(sameMask).triu(1);
  const torch::Tensor same = (sameMask & upper).nonzero();
  torch::Tensor different = (differentMask & upper).nonzero();
  different = different.index_select(0, torch::randperm(different.size(0), torch::TensorOptions().device(m_device))
                                            .slice(0, 0, same.size(0)));
  const torch::Tensor pairs = torch::cat({same, different});
  const torch::Tensor target = torch::cat({torch::ones({same.size(0)}), torch::zeros({different.size(0)})}).to(m_device);
  const torch::Tensor logits =
      pairDistanceOrLogit(embeddings.index_select(0, pairs.select(1, 0)), embeddings.index_select(0, pairs.select(1, 1)), true);
  return detail::kochLoss(logits, target);
}

ValidationResult Run::validate() {
  torch::NoGradGuard noGrad;
  m_model.train(false);
  // Embed each validation photo once.
  std::map<int, std::int64_t> rowOf;
  for (const Pair& p : m_data.validationPairs) {
    rowOf.emplace(p.a, 0);
    rowOf.emplace(p.b, 0);
  }
  std::vector<int> faces;
  for (auto& [face, row] : rowOf) {
    row = std::int64_t(faces.size());
    faces.push_back(face);
  }
  std::vector<torch::Tensor> chunks;
  for (std::size_t start = 0; start < faces.size(); start += 256) {
    const std::vector<int> chunk(faces.begin() + std::ptrdiff_t(start),
                                 faces.begin() + std::ptrdiff_t(std::min(faces.size(), start + 256)));
    chunks.push_back(embedFaces(chunk));
  }
  const torch::Tensor embeddings = torch::cat(chunks);
  std::vector<std::int64_t> ia, ib;
  std::vector<float> same;
  for (const Pair& p : m_data.validationPairs) {
    ia.push_back(rowOf[p.a]);
    ib.push_back(rowOf[p.b]);
    same.push_back(p.same ? 1.0f : 0.0f);
  }
  const torch::Tensor a = embeddings.index_select(0, torch::tensor(ia).to(m_device));
  const torch::Tensor b = embeddings.index_select(0, torch::tensor(ib).to(m_device));
  const torch::Tensor target = torch::tensor(same).to(m_device);
  ValidationResult result;
  torch::Tensor distance;
  if (m_model.head) {
    const torch::Tensor logits = pairDistanceOrLogit(a, b, true);
    result.loss = detail::kochLoss(logits, target).item<double>();
    distance = 1 - torch::sigmoid(logits);
  } else {
    distance = detail::euclidean(a, b);
    // Triplet runs are scored with the contrastive form at their margin:
    // a pair list has no triplets.
    result.loss = detail::contrastiveLoss(distance, target, m_config.margin).item<double>();
  }
  distance = distance.to(torch::kCPU).to(torch::kFloat64).contiguous();
  for (std::size_t i = 0; i < same.size(); ++i) result.scored.add(distance.data_ptr<double>()[i], same[i] > 0.5f);
  result.accuracy = accuracyAt(result.scored, chooseThreshold(result.scored, ThresholdMethod::BestAccuracy));
  result.auc = areaUnderCurve(result.scored);
  m_model.train(true);
  return result;
}

void Run::checkpoint(int nextEpoch, std::size_t nextStep) {
  m_lastCheckpoint = Clock::now();
  if (m_options.checkpointPath.empty()) return;
  m_state.nextEpoch = nextEpoch;
  m_state.nextStep = nextStep;
  if (m_scaler) m_state.lossScale = m_scaler->state();
  detail::saveCheckpoint(m_options.checkpointPath, m_config, m_model, *m_optimizer, m_state);
}

void Run::reportStep(int epoch, std::size_t step) {
  if (!m_options.progress || !m_throttle.due()) return;
  const std::size_t stepsPerEpoch = m_sampler.stepsPerEpoch();
  const double elapsed = std::chrono::duration<double>(Clock::now() - m_stepsStart).count();
  const double perStep = elapsed / double(m_stepsDone);
  const std::size_t remaining = (std::size_t(m_config.epochs - epoch) * stepsPerEpoch) - step - 1;
  TrainProgress p;
  p.epoch = epoch + 1;
  p.epochs = m_config.epochs;
  p.step = step + 1;
  p.stepsPerEpoch = stepsPerEpoch;
  p.loss = m_state.lossSum / double(m_state.lossCount);
  p.imagesPerSecond = double(m_sampler.imagesPerStep()) / perStep;
  p.etaSeconds = perStep * double(remaining);
  m_options.progress(p);
}

bool Run::trainEpoch(int epoch, std::size_t firstStep) {
  const std::size_t steps = m_sampler.stepsPerEpoch();
  std::future<StepInput> next;
  if (m_loaderThread && firstStep < steps) next = prepareAhead(epoch, firstStep);
  for (std::size_t s = firstStep; s < steps; ++s) {
    if (m_options.stop && m_options.stop->stopRequested()) {
      checkpoint(epoch, s);
      return false;  // the batch made ahead is dropped: a resume makes it again from (epoch, step)
    }
    StepProfile* profile = m_options.profile && m_stepsDone >= m_options.profile->skipSteps ? m_options.profile : nullptr;
    if (!m_options.operatorTrace.empty() && !m_operatorTrace && (!m_options.profile || profile)) {
      m_operatorTrace = std::make_unique<torch::autograd::profiler::RecordProfile>(m_options.operatorTrace);
    }
    PhaseClock clock(profile, m_device.is_cuda());
    // Data: with the loader, only the wait for the batch it made ahead.
    const StepInput input = next.valid() ? next.get() : prepareStep(epoch, s);
    if (m_loaderThread && s + 1 < steps) next = prepareAhead(epoch, s + 1);
    clock.mark(&StepProfile::dataMs);
    const double loss = trainStep(epoch, s, input, clock).item<double>();
    if (profile) {
      ++profile->steps;
      profile->images += m_sampler.imagesPerStep();
    }
    if (m_scaler && m_scaler->skippedInARow() > kMostSkippedStepsInARow) {
      throw Error("every step's gradients overflowed float16, even with the loss scaled down to " +
                  std::to_string(m_scaler->scale()) + ": train in bfloat16 or float32");
    }
    if (std::isfinite(loss)) {
      m_state.lossSum += loss;
      ++m_state.lossCount;
    } else if (!m_scaler) {
      // With loss scaling a 16-bit forward pass that overflowed is a
      // skipped step (its gradients were not finite either), as in PyTorch.
      throw Error("training diverged (loss is " + std::to_string(loss) + "); try a lower learning rate");
    }
    ++m_stepsDone;
    reportStep(epoch, s);
    // Long epochs also checkpoint every 10 minutes.
    if (Clock::now() - m_lastCheckpoint > std::chrono::minutes(10)) checkpoint(epoch, s + 1);
  }
  return true;
}

bool Run::endEpoch(int epoch, Clock::time_point started) {
  const ValidationResult validation = validate();
  EpochRecord record;
  record.epoch = epoch + 1;
  record.trainLoss = m_state.lossCount ? m_state.lossSum / double(m_state.lossCount) : 0;
  record.validationLoss = validation.loss;
  record.validationAccuracy = validation.accuracy;
  record.validationAuc = validation.auc;
  record.learningRate = learningRateAt(epoch, m_sampler.stepsPerEpoch() - 1);
  record.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  m_state.history.push_back(record);
  m_state.lossSum = 0;
  m_state.lossCount = 0;
  if (m_config.averageFromEpoch > 0 && record.epoch >= m_config.averageFromEpoch) m_state.average.add(m_model);

  if (validation.loss < m_state.bestLoss) {
    m_state.bestLoss = validation.loss;
    m_state.bestEpoch = record.epoch;
    m_state.bestWeights = detail::serializeModel(m_model);
    m_state.epochsSinceBest = 0;
  } else {
    ++m_state.epochsSinceBest;
  }
  checkpoint(epoch + 1, 0);
  if (m_options.progress) {
    TrainProgress p;
    p.epoch = record.epoch;
    p.epochs = m_config.epochs;
    p.step = p.stepsPerEpoch = m_sampler.stepsPerEpoch();
    p.loss = record.trainLoss;
    p.finishedEpoch = &m_state.history.back();
    m_options.progress(p);
  }
  return !(m_config.patience > 0 && m_state.epochsSinceBest >= m_config.patience);
}

std::optional<ValidationResult> Run::validateAverage(WeightAverageOutcome& outcome) {
  const detail::WeightAverage& average = m_state.average;
  if (average.count() == 0) return std::nullopt;
  average.copyInto(m_model);
  const ValidationResult validation = validate();
  outcome.epochs = average.count();
  outcome.fromEpoch = int(m_state.history.size()) - average.count() + 1;
  outcome.validationLoss = validation.loss;
  outcome.validationAccuracy = validation.accuracy;
  outcome.validationAuc = validation.auc;
  outcome.kept = validation.loss < m_state.bestLoss;
  if (!outcome.kept) return std::nullopt;
  return validation;
}

BundleFile Run::bestBundle(WeightAverageOutcome& average) {
  std::optional<ValidationResult> best = validateAverage(average);
  std::string weights;
  if (best) {
    weights = detail::serializeModel(m_model);
  } else {
    weights = m_state.bestWeights;
    detail::deserializeModel(weights, m_model);
    m_model.to(m_device);
    if (m_channelsLast) detail::useChannelsLast(m_model);
    best = validate();
  }
  BundleFile bundle;
  bundle.metadata = detail::describeTrainedModel(
      m_cache, m_data, m_config, m_state.history,
      detail::BestValidation{best->scored, best->auc, best->loss, m_state.bestEpoch, average.kept ? average.epochs : 0},
      std::chrono::duration<double>(Clock::now() - m_runStart).count(), m_pretrained ? &*m_pretrained : nullptr);
  bundle.weights = weights;
  if (m_teacher) {
    std::string& from = bundle.metadata.training.initialisedFrom;
    const std::string continued = from.empty() ? std::string() : ", continuing from " + from;
    from = "distilled from " + (m_teacher->name.empty() ? m_config.teacher : m_teacher->name) + " (id " + m_teacher->modelId +
           ")" + continued;
  }
  return bundle;
}

TrainResult Run::run() {
  m_runStart = Clock::now();
  TrainResult result;
  result.device = m_device.str();
  const std::string& checkpointPath = m_options.checkpointPath;
  if (m_options.resume && !checkpointPath.empty() && std::filesystem::exists(checkpointPath)) {
    detail::loadCheckpoint(checkpointPath, m_config, m_model, *m_optimizer, m_device, m_state);
    if (m_channelsLast) detail::useChannelsLast(m_model);
    if (m_scaler && m_state.lossScale) m_scaler->restore(*m_state.lossScale);
  }
  cacheFrozenFeatures();
  computeTeacherTargets();
  m_stepsStart = Clock::now();
  m_model.train(true);
  const int firstEpoch = m_state.nextEpoch;
  for (int epoch = firstEpoch; epoch < m_config.epochs; ++epoch) {
    const auto started = Clock::now();
    if (!trainEpoch(epoch, epoch == firstEpoch ? m_state.nextStep : 0)) {
      result.stopped = true;
      break;
    }
    if (!endEpoch(epoch, started)) {
      result.earlyStopped = true;
      break;
    }
  }
  result.history = m_state.history;
  result.bestEpoch = m_state.bestEpoch;
  if (m_scaler) result.skippedSteps = m_scaler->skippedSteps();
  if (!m_state.bestWeights.empty()) result.bundle = bestBundle(result.average);  // empty: stopped before the first epoch ended
  return result;
}

}  // namespace

TrainOptions::Precision parsePrecision(const std::string& name) {
  if (name == "float32") return TrainOptions::Precision::Float32;
  if (name == "bfloat16") return TrainOptions::Precision::Bfloat16;
  if (name == "float16") return TrainOptions::Precision::Float16;
  throw Error("unknown precision '" + name + "' (choose float32, bfloat16 or float16)");
}

std::string precisionName(TrainOptions::Precision precision) {
  switch (precision) {
    case TrainOptions::Precision::Bfloat16: return "bfloat16";
    case TrainOptions::Precision::Float16: return "float16";
    case TrainOptions::Precision::Float32: break;
  }
  return "float32";
}

std::string describeWeightAverage(const WeightAverageOutcome& mean) {
  if (mean.epochs == 0) return "";
  char line[320];
  std::snprintf(line, sizeof line, "the mean of epochs %d-%d's weights: validation loss %.4f, accuracy %.2f%%, AUC %.4f: %s",
                mean.fromEpoch, mean.fromEpoch + mean.epochs - 1, mean.validationLoss, 100 * mean.validationAccuracy,
                mean.validationAuc, mean.kept ? "kept (better than the best epoch)" : "not kept (the best epoch is better)");
  return line;
}

TrainResult trainSiamese(const FaceCache& cache, const TrainData& data, const TrainConfig& config,
                         const TrainOptions& options) {
  try {
    const KeptTensorMemory heap;  // freed tensors stay in the heap for the next step
    const detail::WinogradScope winograd(options.winograd);
    Run run(cache, data, config, options);
    return run.run();
  } catch (const c10::Error& e) {
    throw Error(std::string("training failed in LibTorch: ") + e.what_without_backtrace());
  }
}

std::vector<int> facesInPairs(const std::vector<Pair>& pairs) {
  std::set<int> faces;
  for (const Pair& p : pairs) {
    faces.insert(p.a);
    faces.insert(p.b);
  }
  return std::vector<int>(faces.begin(), faces.end());
}

}  // namespace siamese
