#include "train/TrainingBenchmark.h"

#include <chrono>
#include <filesystem>

#include "common/Random.h"
#include "data/FaceCache.h"
#include "nn/FaceTowerImport.h"
#include "nn/ModelBundle.h"
#include "nn/NetworkFlops.h"
#include "nn/detail/ModelIo.h"

namespace siamese {
namespace {

constexpr int kPeople = 40;          // more than any batch's P
constexpr int kPhotosPerPerson = 8;  // at least K

// A cache of random faces: the pixels' content does not change what a step
// costs, and random bytes make no file of ours a dependency.
std::string writeSyntheticCache(const TrainConfig& config, const std::string& folder) {
  std::filesystem::create_directories(folder);
  const int side = config.network.inputSize;  // crops at the input size: no resizing in the step
  const int channels = config.network.channels;
  const std::string path = folder + "/synthetic-" + std::to_string(side) + "x" + std::to_string(channels) + ".cache";
  std::filesystem::remove(path);
  CacheSettings settings;
  settings.cropSize = side;
  settings.channels = channels;
  settings.alignedFaces = true;
  settings.detector = "none";
  settings.datasetRoot = "synthetic";
  if (!config.init.empty()) {
    // Crops cut as the pretrained model's were, or the trainer refuses them.
    const InputSpec input = readBundle(config.init.from).metadata.input;
    settings.alignment = input.alignment;
    settings.padding = input.padding;
  }
  FaceCacheWriter writer(path, settings, false);
  Rng rng(7);
  std::vector<std::uint8_t> pixels(std::size_t(side) * side * channels);
  for (int person = 0; person < kPeople; ++person) {
    const std::string name = "person" + std::to_string(person);
    for (int photo = 0; photo < kPhotosPerPerson; ++photo) {
      for (std::uint8_t& p : pixels) p = std::uint8_t(rng.below(256));
      CachedFace face;
      face.source = name + "/" + std::to_string(photo);
      face.aligned = true;
      writer.addFace(face, name, pixels.data());
    }
  }
  writer.flush();
  return path;
}

TrainData syntheticTrainData(const FaceCache& cache) {
  TrainData data;
  for (std::size_t i = 0; i < cache.size(); ++i) data.trainFaces.push_back(int(i));
  const auto byPerson = cache.facesByPerson();
  // A few pairs of each kind: pairs sampling draws from them, and the
  // trainer validates on some (untimed).
  for (std::size_t p = 0; p + 1 < byPerson.size(); ++p) {
    data.trainPairs.push_back(Pair{byPerson[p][0], byPerson[p][1], true});
    data.trainPairs.push_back(Pair{byPerson[p][0], byPerson[p + 1][0], false});
  }
  data.validationPairs.assign(data.trainPairs.begin(), data.trainPairs.begin() + 8);
  return data;
}

}  // namespace

std::vector<TrainingBenchmarkCase> standardTrainingCases(int threads, const std::string& faceTower,
                                                         const std::string& device) {
  TrainConfig convnet;  // the defaults: 4-block convnet, 64 px grey, P16×K4, batch contrastive, Adam
  convnet.threads = threads;
  convnet.device = device;
  convnet.patience = 0;
  TrainConfig resnet = convnet;
  resnet.network.architecture = "resnet";
  std::vector<TrainingBenchmarkCase> cases = {
      {"convnet", "convnet (default): 64 px grey, 4 blocks × 2 convs, P16×K4, batch contrastive, Adam", convnet},
      {"resnet", "resnet: 64 px grey, 4 residual blocks, P16×K4, batch contrastive, Adam", resnet},
  };
  if (faceTower.empty() || !std::filesystem::exists(faceTower)) return cases;
  const NetworkConfig tower = readBundle(faceTower).metadata.network;
  TrainConfig last2 = convnet;
  last2.init.from = faceTower;
  last2.init.train = "last-blocks";
  last2.init.lastBlocks = 2;
  last2.network.projection = "linear";
  last2.startFrom(tower);
  TrainConfig all = convnet;
  all.init.from = faceTower;
  all.startFrom(tower);
  cases.push_back({"tower-last2",
                   "face tower, fine-tuning its last 2 blocks and final layer (lr 1e-4) under a linear projection "
                   "(1e-3): 150 px colour, P16×K4, batch contrastive, Adam",
                   last2});
  cases.push_back({"tower-all", "face tower, fine-tuning all of it (lr 1e-4): 150 px colour, P16×K4, batch contrastive, Adam",
                   all});
  return cases;
}

std::string writeUntrainedFaceTower(const std::string& folder) {
  std::filesystem::create_directories(folder);
  BundleFile bundle;
  bundle.metadata.name = "the face tower's network, untrained (random weights)";
  bundle.metadata.network = NetworkConfig::dlibResNet();
  bundle.metadata.input = faceTowerInput();
  bundle.metadata.distance = "euclidean";
  detail::SiameseModel model = detail::makeModel(bundle.metadata.network, false);
  bundle.weights = detail::serializeModel(model);
  const std::string path = folder + "/untrained-face-tower.siamese";
  writeBundle(path, bundle);
  return path;
}

TrainingBenchmarkResult benchmarkTraining(const TrainingBenchmarkCase& benchCase, int steps, int warmup,
                                          const std::string& scratchDir, const TrainingBenchmarkSwitches& switches) {
  const FaceCache cache = FaceCache::load(writeSyntheticCache(benchCase.config, scratchDir));
  TrainConfig config = benchCase.config;
  config.epochs = 1;
  config.stepsPerEpoch = warmup + steps;
  StepProfile profile;
  profile.skipSteps = std::size_t(warmup);
  TrainOptions options;
  options.profile = &profile;
  options.channelsLast = switches.channelsLast;
  options.precision = switches.precision;
  options.winograd = switches.winograd;
  options.operatorTrace = switches.operatorTrace;
  options.loader = switches.loader;
  const auto started = std::chrono::steady_clock::now();
  double frozenPassSeconds = 0;
  std::size_t frozenPassPhotos = 0;
  options.featureProgress = [&](const Progress& p) {
    frozenPassSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    frozenPassPhotos = p.done;
  };
  const TrainResult trained = trainSiamese(cache, syntheticTrainData(cache), config, options);

  TrainingBenchmarkResult result;
  result.key = benchCase.key;
  result.profile = profile;
  result.device = trained.device;
  if (!trained.history.empty()) result.meanLoss = trained.history.back().trainLoss;
  result.msPerStep = profile.steps ? profile.totalMs() / double(profile.steps) : 0;
  result.imagesPerSecond = profile.totalMs() > 0 ? double(profile.images) / (profile.totalMs() / 1000) : 0;
  result.gflopsPerImage = trainingFlopsPerImage(config.network, config.firstTrainableStage()) / 1e9;
  result.frozenPassSeconds = frozenPassSeconds;
  result.frozenPassPhotos = frozenPassPhotos;
  result.achievedGflops = result.gflopsPerImage * result.imagesPerSecond;
  return result;
}

}  // namespace siamese
