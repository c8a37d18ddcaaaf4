// The training loop. All of LibTorch's training machinery lives in this
// file (and nn/), so only these translation units pay its compile time.

#include "train/Trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/Random.h"
#include "eval/Metrics.h"
#include "nn/Embedder.h"
#include "nn/detail/Losses.h"
#include "nn/detail/ModelIo.h"

namespace siamese {
namespace {

namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

// splitmix64: turns (seed, epoch, step) into independent seeds, so any step
// can be replayed without the generator states of the steps before it.
std::uint64_t mix(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  std::uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
                    (c + 0x94D049BB133111EBull);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

constexpr const char* kHistoryHeader =
    "epoch,train_loss,validation_loss,validation_accuracy,validation_auc,learning_rate,seconds";

std::string formatHistory(const std::vector<EpochRecord>& history) {
  std::ostringstream out;
  out << kHistoryHeader << '\n';
  out.precision(9);
  for (const EpochRecord& r : history) {
    out << r.epoch << ',' << r.trainLoss << ',' << r.validationLoss << ',' << r.validationAccuracy << ','
        << r.validationAuc << ',' << r.learningRate << ',' << r.seconds << '\n';
  }
  return out.str();
}

// `name` (a file path) is used in error messages.
std::vector<EpochRecord> parseHistory(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  if (line != kHistoryHeader) throw Error(name + ": not a training history");
  std::vector<EpochRecord> history;
  int lineNumber = 1;
  while (std::getline(in, line)) {
    ++lineNumber;
    if (line.empty()) continue;
    EpochRecord r;
    char comma;
    std::istringstream fields(line);
    if (!(fields >> r.epoch >> comma >> r.trainLoss >> comma >> r.validationLoss >> comma >> r.validationAccuracy >>
          comma >> r.validationAuc >> comma >> r.learningRate >> comma >> r.seconds)) {
      throw Error(name + ":" + std::to_string(lineNumber) + ": malformed history row");
    }
    history.push_back(r);
  }
  return history;
}

// --- augmentation --------------------------------------------------------------

torch::Tensor uniform(std::int64_t n, double halfWidth, const torch::TensorOptions& options) {
  return (torch::rand({n}, options) * 2 - 1) * halfWidth;
}

torch::Tensor augment(torch::Tensor x, const AugmentConfig& a) {
  if (!a.enabled) return x;
  const std::int64_t n = x.size(0);
  const auto options = x.options();
  if (a.flip) {
    const torch::Tensor mirror = (torch::rand({n}, options) < 0.5).view({n, 1, 1, 1});
    x = torch::where(mirror, x.flip({3}), x);
  }
  if (a.rotateDegrees > 0 || a.scale > 0 || a.shift > 0) {
    const torch::Tensor angle = uniform(n, a.rotateDegrees * M_PI / 180.0, options);
    const torch::Tensor zoom = 1 + uniform(n, a.scale, options);
    // affine_grid maps output to input coordinates in [-1, 1]: a shift of a
    // fraction f of the crop is 2f there.
    const torch::Tensor tx = uniform(n, 2 * a.shift, options);
    const torch::Tensor ty = uniform(n, 2 * a.shift, options);
    const torch::Tensor c = torch::cos(angle) / zoom, s = torch::sin(angle) / zoom;
    const torch::Tensor theta = torch::stack({torch::stack({c, -s, tx}, 1), torch::stack({s, c, ty}, 1)}, 1);
    const torch::Tensor grid = F::affine_grid(theta, x.sizes(), false);
    x = F::grid_sample(x, grid,
                       F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
  }
  if (a.brightness > 0 || a.contrast > 0) {
    const torch::Tensor mean = x.mean({1, 2, 3}, true);
    const torch::Tensor contrast = (1 + uniform(n, a.contrast, options)).view({n, 1, 1, 1});
    const torch::Tensor brightness = uniform(n, a.brightness, options).view({n, 1, 1, 1});
    x = ((x - mean) * contrast + mean + brightness).clamp(-1, 1);
  }
  return x;
}

// --- the run -------------------------------------------------------------------

struct ValidationResult {
  double loss = 0;
  double accuracy = 0;
  double auc = 0;
  ScoredPairs scored;
};

class Run {
 public:
  Run(const FaceCache& cache, const TrainData& data, const TrainConfig& config, const TrainOptions& options)
      : m_cache(cache), m_data(data), m_config(config), m_options(options) {
    m_config.validate();
    m_device = detail::chooseDevice(config.device != "cpu", config.device == "cuda");
    configureTorchThreads(config.threads);
    torch::manual_seed(config.seed);
    m_model = detail::makeModel(config.network, config.loss == "koch");
    m_model.to(m_device);
    makeOptimizer();
    prepareSampling();
  }

  TrainResult run();

 private:
  void makeOptimizer();
  void prepareSampling();
  torch::Tensor loadBatch(const std::vector<int>& faces);
  double learningRateAt(int epoch, std::size_t step) const;
  torch::Tensor onlineStep(Rng& rng);
  torch::Tensor pairsStep(int epoch, std::size_t step);
  torch::Tensor pairDistanceOrLogit(const torch::Tensor& a, const torch::Tensor& b, bool logits);
  ValidationResult validate();
  void saveCheckpoint(int nextEpoch, std::size_t nextStep, double lossSum, std::size_t lossCount);
  bool loadCheckpoint(int& nextEpoch, std::size_t& nextStep, double& lossSum, std::size_t& lossCount);

  const FaceCache& m_cache;
  const TrainData& m_data;
  TrainConfig m_config;
  const TrainOptions& m_options;
  torch::Device m_device{torch::kCPU};
  detail::SiameseModel m_model;
  std::unique_ptr<torch::optim::Optimizer> m_optimizer;

  std::vector<std::vector<int>> m_facesOfPeople;  // online: eligible training people's faces
  std::size_t m_stepsPerEpoch = 0;
  std::vector<std::size_t> m_pairOrder;  // pairs mode: this epoch's order
  int m_orderEpoch = -1;

  std::vector<EpochRecord> m_history;
  double m_bestLoss = INFINITY;
  int m_bestEpoch = 0;
  int m_epochsSinceBest = 0;
  std::string m_bestWeights;
};

void Run::makeOptimizer() {
  const auto params = m_model.parameters();
  const double lr = m_config.learningRate, wd = m_config.weightDecay;
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
}

void Run::prepareSampling() {
  if (m_data.validationPairs.empty()) throw Error("training needs validation pairs");
  std::size_t photos = 0;
  if (m_config.sampling == "online") {
    std::map<int, std::vector<int>> byPerson;
    for (int face : m_data.trainFaces) byPerson[m_cache.faces().at(std::size_t(face)).person].push_back(face);
    for (auto& [person, faces] : byPerson) {
      if (faces.size() >= 2) {
        photos += faces.size();
        m_facesOfPeople.push_back(std::move(faces));
      }
    }
    if (int(m_facesOfPeople.size()) < m_config.peoplePerBatch) {
      throw Error("online batches need " + std::to_string(m_config.peoplePerBatch) +
                  " training people with at least 2 photos; there are " + std::to_string(m_facesOfPeople.size()));
    }
    const std::size_t batch = std::size_t(m_config.peoplePerBatch) * m_config.photosPerPerson;
    m_stepsPerEpoch = std::max<std::size_t>(1, photos / batch);
  } else {
    if (m_data.trainPairs.empty()) throw Error("pairs sampling needs training pairs");
    m_stepsPerEpoch = std::max<std::size_t>(1, m_data.trainPairs.size() / std::size_t(m_config.pairsPerBatch));
  }
  if (m_config.stepsPerEpoch > 0) m_stepsPerEpoch = std::size_t(m_config.stepsPerEpoch);
}

torch::Tensor Run::loadBatch(const std::vector<int>& faces) {
  const CacheSettings& s = m_cache.settings();
  const std::size_t bytes = m_cache.bytesPerFace();
  torch::Tensor packed = torch::empty({std::int64_t(faces.size()), s.cropSize, s.cropSize, s.channels}, torch::kUInt8);
  std::uint8_t* out = packed.data_ptr<std::uint8_t>();
  for (std::size_t i = 0; i < faces.size(); ++i) std::memcpy(out + i * bytes, m_cache.pixels(std::size_t(faces[i])), bytes);
  torch::Tensor x = packed.to(m_device).permute({0, 3, 1, 2}).to(torch::kFloat32).div_(127.5).sub_(1.0);
  return detail::conformBatch(x, m_config.network.inputSize, m_config.network.channels);
}

double Run::learningRateAt(int epoch, std::size_t step) const {
  return scheduledLearningRate(m_config, epoch, step, m_stepsPerEpoch);
}

torch::Tensor Run::pairDistanceOrLogit(const torch::Tensor& a, const torch::Tensor& b, bool logits) {
  if (m_model.head) {
    const torch::Tensor logit = m_model.head->forward(a, b);
    return logits ? logit : 1 - torch::sigmoid(logit);
  }
  return detail::euclidean(a, b);
}

torch::Tensor Run::onlineStep(Rng& rng) {
  // P people × K photos each.
  std::vector<std::size_t> people(m_facesOfPeople.size());
  std::iota(people.begin(), people.end(), 0);
  std::vector<int> faces, labels;
  for (int p = 0; p < m_config.peoplePerBatch; ++p) {
    std::swap(people[std::size_t(p)], people[std::size_t(p) + rng.below(people.size() - std::size_t(p))]);
    std::vector<int> photos = m_facesOfPeople[people[std::size_t(p)]];
    rng.shuffle(photos);
    for (int k = 0; k < m_config.photosPerPerson; ++k) {
      // People with fewer than K photos repeat some; augmentation makes the repeats differ.
      faces.push_back(photos[std::size_t(k) % photos.size()]);
      labels.push_back(p);
    }
  }
  const torch::Tensor images = augment(loadBatch(faces), m_config.augment);
  const torch::Tensor label = torch::tensor(labels, torch::kInt64).to(m_device);
  const torch::Tensor embeddings = m_model.net->forward(images);
  if (m_config.loss == "triplet") return detail::batchHardTripletLoss(embeddings, label, m_config.margin);
  if (m_config.loss == "contrastive") return detail::batchContrastiveLoss(embeddings, label, m_config.margin);

  // Koch head: every same pair of the batch and as many random different pairs.
  const auto [sameMask, differentMask] = detail::pairMasks(label);
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

torch::Tensor Run::pairsStep(int epoch, std::size_t step) {
  // One permutation of the pairs per epoch, derived from the epoch alone
  // (so a resumed run gets it back), made once per epoch.
  if (m_orderEpoch != epoch) {
    Rng order(mix(m_config.seed, std::uint64_t(epoch), 0xFFFF));
    m_pairOrder.resize(m_data.trainPairs.size());
    std::iota(m_pairOrder.begin(), m_pairOrder.end(), 0);
    order.shuffle(m_pairOrder);
    m_orderEpoch = epoch;
  }
  const std::vector<std::size_t>& permutation = m_pairOrder;
  std::vector<int> faces;
  std::vector<float> same;
  const std::size_t batch = std::size_t(m_config.pairsPerBatch);
  for (std::size_t i = 0; i < batch; ++i) {
    const Pair& p = m_data.trainPairs[permutation[(step * batch + i) % permutation.size()]];
    faces.push_back(p.a);
    same.push_back(p.same ? 1.0f : 0.0f);
  }
  for (std::size_t i = 0; i < batch; ++i) {
    faces.push_back(m_data.trainPairs[permutation[(step * batch + i) % permutation.size()]].b);
  }
  // Both sides of every pair go through the one shared branch in one pass.
  const torch::Tensor embeddings = m_model.net->forward(augment(loadBatch(faces), m_config.augment));
  const torch::Tensor a = embeddings.slice(0, 0, std::int64_t(batch));
  const torch::Tensor b = embeddings.slice(0, std::int64_t(batch));
  const torch::Tensor target = torch::tensor(same).to(m_device);
  if (m_config.loss == "koch") return detail::kochLoss(pairDistanceOrLogit(a, b, true), target);
  return detail::contrastiveLoss(pairDistanceOrLogit(a, b, false), target, m_config.margin);
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
    chunks.push_back(detail::embedImages(m_model.net, loadBatch(chunk), m_config.mirrorAverage()));
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

void Run::saveCheckpoint(int nextEpoch, std::size_t nextStep, double lossSum, std::size_t lossCount) {
  if (m_options.checkpointPath.empty()) return;
  torch::serialize::OutputArchive archive;
  archive.write("config", c10::IValue(m_config.toJson()));
  archive.write("model", c10::IValue(detail::serializeModel(m_model)));
  torch::serialize::OutputArchive optimizer;
  m_optimizer->save(optimizer);
  archive.write("optimizer", optimizer);
  archive.write("next_epoch", c10::IValue(std::int64_t(nextEpoch)));
  archive.write("next_step", c10::IValue(std::int64_t(nextStep)));
  archive.write("loss_sum", c10::IValue(lossSum));
  archive.write("loss_count", c10::IValue(std::int64_t(lossCount)));
  archive.write("history", c10::IValue(formatHistory(m_history)));
  archive.write("best_loss", c10::IValue(m_bestLoss));
  archive.write("best_epoch", c10::IValue(std::int64_t(m_bestEpoch)));
  archive.write("epochs_since_best", c10::IValue(std::int64_t(m_epochsSinceBest)));
  archive.write("best_weights", c10::IValue(m_bestWeights));
  std::ostringstream bytes;
  archive.save_to(bytes);
  writeFileAtomically(m_options.checkpointPath, bytes.str());
}

bool Run::loadCheckpoint(int& nextEpoch, std::size_t& nextStep, double& lossSum, std::size_t& lossCount) {
  const std::string& path = m_options.checkpointPath;
  if (path.empty() || !m_options.resume || !std::filesystem::exists(path)) return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, m_device);
    c10::IValue value;
    archive.read("config", value);
    // Threads, device and patience may differ between runs (none changes
    // what an epoch computes; patience only decides when to stop, so a run
    // stopped early can be resumed to the schedule's end with --patience 0);
    // everything else must match.
    TrainConfig saved = TrainConfig::fromJson(value.toStringRef());
    saved.threads = m_config.threads;
    saved.device = m_config.device;
    saved.patience = m_config.patience;
    if (saved.toJson() != m_config.toJson()) {
      throw Error("the checkpoint " + path + " was made with another training configuration; "
                  "resume with the same settings or remove the checkpoint");
    }
    archive.read("model", value);
    detail::deserializeModel(value.toStringRef(), m_model);
    m_model.to(m_device);
    torch::serialize::InputArchive optimizer;
    archive.read("optimizer", optimizer);
    m_optimizer->load(optimizer);
    archive.read("next_epoch", value);
    nextEpoch = int(value.toInt());
    archive.read("next_step", value);
    nextStep = std::size_t(value.toInt());
    archive.read("loss_sum", value);
    lossSum = value.toDouble();
    archive.read("loss_count", value);
    lossCount = std::size_t(value.toInt());
    archive.read("history", value);
    m_history = parseHistory(value.toStringRef(), path);
    archive.read("best_loss", value);
    m_bestLoss = value.toDouble();
    archive.read("best_epoch", value);
    m_bestEpoch = int(value.toInt());
    archive.read("epochs_since_best", value);
    m_epochsSinceBest = int(value.toInt());
    archive.read("best_weights", value);
    m_bestWeights = value.toStringRef();
  } catch (const c10::Error& e) {
    throw Error("cannot resume from checkpoint " + path + " (truncated or not a checkpoint): " +
                e.what_without_backtrace());
  }
  return true;
}

TrainResult Run::run() {
  TrainResult result;
  result.device = m_device.str();
  int firstEpoch = 0;
  std::size_t firstStep = 0;
  double lossSum = 0;
  std::size_t lossCount = 0;
  loadCheckpoint(firstEpoch, firstStep, lossSum, lossCount);
  m_model.train(true);

  const std::size_t imagesPerStep = m_config.sampling == "online"
                                        ? std::size_t(m_config.peoplePerBatch) * m_config.photosPerPerson
                                        : 2 * std::size_t(m_config.pairsPerBatch);
  const auto runStart = Clock::now();
  std::size_t stepsDone = 0;
  ProgressThrottle throttle(std::chrono::milliseconds(500));
  auto lastCheckpoint = Clock::now();

  for (int epoch = firstEpoch; epoch < m_config.epochs; ++epoch) {
    const auto epochStart = Clock::now();
    for (std::size_t step = (epoch == firstEpoch ? firstStep : 0); step < m_stepsPerEpoch; ++step) {
      if (m_options.stop && m_options.stop->stopRequested()) {
        saveCheckpoint(epoch, step, lossSum, lossCount);
        result.stopped = true;
        break;
      }
      // Every random draw of this step comes from (seed, epoch, step).
      torch::manual_seed(mix(m_config.seed, std::uint64_t(epoch), step));
      Rng rng(mix(m_config.seed, std::uint64_t(epoch), step + (1ull << 40)));
      for (auto& group : m_optimizer->param_groups()) group.options().set_lr(learningRateAt(epoch, step));

      m_optimizer->zero_grad();
      const torch::Tensor loss = m_config.sampling == "online" ? onlineStep(rng) : pairsStep(epoch, step);
      loss.backward();
      m_optimizer->step();
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        throw Error("training diverged (loss is " + std::to_string(value) + "); try a lower learning rate");
      }
      lossSum += value;
      ++lossCount;
      ++stepsDone;

      if (m_options.progress && throttle.due()) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - runStart).count();
        const double perStep = elapsed / double(stepsDone);
        const std::size_t remaining = (std::size_t(m_config.epochs - epoch) * m_stepsPerEpoch) - step - 1;
        TrainProgress p;
        p.epoch = epoch + 1;
        p.epochs = m_config.epochs;
        p.step = step + 1;
        p.stepsPerEpoch = m_stepsPerEpoch;
        p.loss = lossSum / double(lossCount);
        p.imagesPerSecond = double(imagesPerStep) / perStep;
        p.etaSeconds = perStep * double(remaining);
        m_options.progress(p);
      }
      // Long epochs also checkpoint every 10 minutes.
      if (Clock::now() - lastCheckpoint > std::chrono::minutes(10)) {
        saveCheckpoint(epoch, step + 1, lossSum, lossCount);
        lastCheckpoint = Clock::now();
      }
    }
    if (result.stopped) break;

    const ValidationResult validation = validate();
    EpochRecord record;
    record.epoch = epoch + 1;
    record.trainLoss = lossCount ? lossSum / double(lossCount) : 0;
    record.validationLoss = validation.loss;
    record.validationAccuracy = validation.accuracy;
    record.validationAuc = validation.auc;
    record.learningRate = learningRateAt(epoch, m_stepsPerEpoch - 1);
    record.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
    m_history.push_back(record);
    lossSum = 0;
    lossCount = 0;

    if (validation.loss < m_bestLoss) {
      m_bestLoss = validation.loss;
      m_bestEpoch = record.epoch;
      m_bestWeights = detail::serializeModel(m_model);
      m_epochsSinceBest = 0;
    } else {
      ++m_epochsSinceBest;
    }
    saveCheckpoint(epoch + 1, 0, 0, 0);
    lastCheckpoint = Clock::now();
    if (m_options.progress) {
      TrainProgress p;
      p.epoch = record.epoch;
      p.epochs = m_config.epochs;
      p.step = p.stepsPerEpoch = m_stepsPerEpoch;
      p.loss = record.trainLoss;
      p.finishedEpoch = &m_history.back();
      m_options.progress(p);
    }
    if (m_config.patience > 0 && m_epochsSinceBest >= m_config.patience) {
      result.earlyStopped = true;
      break;
    }
  }

  result.history = m_history;
  result.bestEpoch = m_bestEpoch;
  if (m_bestWeights.empty()) return result;  // stopped before the first epoch ended

  // The bundle: best weights, threshold chosen on the validation pairs.
  detail::deserializeModel(m_bestWeights, m_model);
  m_model.to(m_device);
  const ValidationResult best = validate();
  double targetFar = 1e-3;
  const ThresholdMethod method = parseThresholdMethod(m_config.thresholdMethod, &targetFar);

  BundleMetadata& meta = result.bundle.metadata;
  meta.network = m_config.network;
  meta.distance = m_config.loss == "koch" ? "koch" : "euclidean";
  meta.input.cropSize = m_cache.settings().cropSize;
  meta.input.size = m_config.network.inputSize;
  meta.input.channels = m_config.network.channels;
  meta.input.alignedFaces = m_cache.settings().alignedFaces;
  meta.input.padding = m_cache.settings().padding;
  if (meta.input.alignedFaces) meta.input.alignment = m_cache.settings().alignment;
  meta.input.mirrorAverage = m_config.mirrorAverage();  // as validated, so the threshold fits
  meta.threshold.value = chooseThreshold(best.scored, method, targetFar);
  meta.threshold.method = thresholdMethodName(method, targetFar);
  meta.threshold.chosenOn = std::to_string(best.scored.size()) + " validation pairs";

  std::set<int> faces(m_data.trainFaces.begin(), m_data.trainFaces.end());
  for (const Pair& p : m_data.trainPairs) {
    faces.insert(p.a);
    faces.insert(p.b);
  }
  std::set<int> people;
  for (int face : faces) people.insert(m_cache.faces()[std::size_t(face)].person);
  meta.training.dataset = m_cache.settings().datasetRoot;
  meta.training.people = int(people.size());
  meta.training.photos = int(faces.size());
  for (int person : people) meta.training.identities.push_back(m_cache.people()[std::size_t(person)]);
  meta.training.loss = m_config.loss;
  meta.training.epochs = int(m_history.size());
  meta.training.seconds = std::chrono::duration<double>(Clock::now() - runStart).count();
  meta.training.configJson = m_config.toJson();
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  meta.training.finishedAt = stamp;
  meta.metrics["validation_accuracy"] = accuracyAt(best.scored, meta.threshold.value);
  meta.metrics["validation_auc"] = best.auc;
  meta.metrics["validation_eer"] = equalErrorRate(best.scored).rate;
  meta.metrics["validation_loss"] = best.loss;
  meta.metrics["best_epoch"] = m_bestEpoch;
  result.bundle.weights = m_bestWeights;
  return result;
}

}  // namespace

TrainResult trainSiamese(const FaceCache& cache, const TrainData& data, const TrainConfig& config,
                         const TrainOptions& options) {
  try {
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

void writeHistoryCsv(const std::string& path, const std::vector<EpochRecord>& history) {
  writeFileAtomically(path, formatHistory(history));
}

std::vector<EpochRecord> readHistoryCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open training history " + path);
  return parseHistory(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), path);
}

}  // namespace siamese
