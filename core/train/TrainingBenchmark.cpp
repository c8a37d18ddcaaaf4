#include "train/TrainingBenchmark.h"

#include <filesystem>

#include "common/Random.h"
#include "data/FaceCache.h"
#include "nn/NetworkFlops.h"

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

std::vector<TrainingBenchmarkCase> standardTrainingCases(int threads) {
  TrainConfig convnet;  // the defaults: 4-block convnet, 64 px grey, P16×K4, batch contrastive, Adam
  convnet.threads = threads;
  convnet.device = "cpu";
  convnet.patience = 0;
  TrainConfig resnet = convnet;
  resnet.network.architecture = "resnet";
  return {
      {"convnet", "convnet (default): 64 px grey, 4 blocks × 2 convs, P16×K4, batch contrastive, Adam", convnet},
      {"resnet", "resnet: 64 px grey, 4 residual blocks, P16×K4, batch contrastive, Adam", resnet},
  };
}

TrainingBenchmarkResult benchmarkTraining(const TrainingBenchmarkCase& benchCase, int steps, int warmup,
                                          const std::string& scratchDir, bool channelsLast) {
  const FaceCache cache = FaceCache::load(writeSyntheticCache(benchCase.config, scratchDir));
  TrainConfig config = benchCase.config;
  config.epochs = 1;
  config.stepsPerEpoch = warmup + steps;
  StepProfile profile;
  profile.skipSteps = std::size_t(warmup);
  TrainOptions options;
  options.profile = &profile;
  options.channelsLast = channelsLast;
  const TrainResult trained = trainSiamese(cache, syntheticTrainData(cache), config, options);

  TrainingBenchmarkResult result;
  result.key = benchCase.key;
  result.profile = profile;
  result.device = trained.device;
  result.msPerStep = profile.steps ? profile.totalMs() / double(profile.steps) : 0;
  result.imagesPerSecond = profile.totalMs() > 0 ? double(profile.images) / (profile.totalMs() / 1000) : 0;
  result.gflopsPerImage = trainingFlopsPerImage(config.network) / 1e9;
  result.achievedGflops = result.gflopsPerImage * result.imagesPerSecond;
  return result;
}

}  // namespace siamese
