#include "train/TrainConfig.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "nn/detail/DlibResNetLayout.h"

namespace siamese {

void TrainConfig::validate() const {
  network.validate();
  auto fail = [](const std::string& what) { throw Error("invalid training configuration: " + what); };
  if (loss != "contrastive" && loss != "triplet" && loss != "koch" && loss != "distil") {
    fail("loss must be contrastive, triplet, koch or distil");
  }
  if (loss == "distil" && teacher.empty()) fail("distillation needs a teacher model");
  if (loss == "distil" && sampling != "online") fail("distillation draws photos (online sampling), not pairs");
  if (loss != "distil" && !teacher.empty()) fail("a teacher is only for the distil loss");
  if (loss != "distil" && teachAugmented) fail("teaching augmented crops is only for the distil loss");
  if (teachAugmented && !augment.enabled) {
    fail("teaching augmented crops needs augmentation (without it the teacher would embed the same crops every step)");
  }
  if (!(mixFaces >= 0 && mixFaces <= 1)) fail("the share of blended faces must be in [0, 1]");
  if (mixFaces > 0 && !teachAugmented) {
    fail("blending faces needs the teacher to embed every step's crops (--teach-augmented): a blend has no stored embedding");
  }
  // A student may continue from an earlier student (a longer schedule in
  // stages); freezing layers would leave part of it unable to follow the teacher.
  if (loss == "distil" && !init.empty() && init.train != "all") {
    fail("a distilled network trains every layer: continue from a model with --trainable all");
  }
  if (quantizationAware && (network.architecture != "resnet" || network.isDlibResNet())) {
    fail("quantization-aware training is for a residual net of ours (--arch resnet), which runs in 8-bit integers");
  }
  if (quantizationAware && init.empty()) {
    fail("quantization-aware training goes on from a trained model (--init): the ranges it rounds to are that model's");
  }
  if (sampling != "online" && sampling != "pairs") fail("sampling must be online or pairs");
  if (loss == "triplet" && sampling != "online") fail("triplet loss needs online (P x K) sampling");
  if (margin <= 0) fail("margin must be positive");
  if (peoplePerBatch < 2) fail("at least 2 people per batch");
  if (photosPerPerson < 2) fail("at least 2 photos per person in a batch");
  if (pairsPerBatch < 2) fail("at least 2 pairs per batch");
  if (epochs < 1) fail("at least one epoch");
  if (stepsPerEpoch < 0) fail("steps per epoch cannot be negative");
  if (optimizer != "adam" && optimizer != "adamw" && optimizer != "rmsprop" && optimizer != "sgd") {
    fail("optimizer must be adam, adamw, rmsprop or sgd");
  }
  if (learningRate <= 0 || learningRate > 10) fail("learning rate must be in (0, 10]");
  if (weightDecay < 0) fail("weight decay cannot be negative");
  if (schedule != "constant" && schedule != "step" && schedule != "cosine") fail("schedule must be constant, step or cosine");
  if (stepEvery < 1) fail("step schedule needs step-every >= 1");
  if (patience < 0) fail("patience cannot be negative");
  if (averageFromEpoch < 0 || averageFromEpoch > epochs) {
    fail("weights are averaged from an epoch of the run (1.." + std::to_string(epochs) + "), or 0 for never");
  }
  if (init.train != "all" && init.train != "last-blocks" && init.train != "head") {
    fail("what trains must be all, last-blocks or head");
  }
  if (init.empty() && init.train != "all") fail("only a model started from a pretrained one can freeze layers");
  if (init.train == "head" && !network.hasProjection() && loss != "koch") {
    fail("training only the head needs a projection (linear or mlp) or the Koch head to train");
  }
  if (init.train == "last-blocks" && !network.isDlibResNet()) fail("last-blocks applies to the face tower (dlib-resnet)");
  if (init.train == "last-blocks" && (init.lastBlocks < 1 || init.lastBlocks > 14)) {
    fail("the face tower has 14 residual blocks: last blocks must be 1..14");
  }
  if (!(init.baseLearningRateScale > 0 && init.baseLearningRateScale <= 1)) {
    fail("the pretrained layers' learning-rate scale must be in (0, 1]");
  }
}

int TrainConfig::firstTrainableStage() const {
  const int baseStages = network.isDlibResNet() ? detail::kDlibResNetStages : 1;
  if (init.train == "head") return baseStages;
  // The tower's final layer is its last stage; its last n blocks come just before.
  if (init.train == "last-blocks") return baseStages - 1 - init.lastBlocks;
  return 0;
}

void TrainConfig::startFrom(const NetworkConfig& pretrained) {
  const std::string projection = network.projection;
  const int embeddingSize = network.embeddingSize;
  network = pretrained;
  network.projection = projection;
  network.embeddingSize = network.hasProjection() ? embeddingSize : pretrained.embeddingSize;
  network.l2Normalize = true;
}

void TrainConfig::resizeInput(int size) {
  if (size == network.inputSize) return;
  if (network.isDlibResNet()) {
    throw Error("the face tower takes " + std::to_string(network.inputSize) +
                " px crops: another input size is for a network of ours");
  }
  NetworkConfig resized = network;
  resized.inputSize = size;
  resized.validate();
  if (resized.pooledGrid() != network.pooledGrid()) {
    const auto grid = [](int g) { return std::to_string(g) + "x" + std::to_string(g); };
    throw Error("at " + std::to_string(size) + " px the features pool to " + grid(resized.pooledGrid()) +
                ", and the model's embedding layer reads " + grid(network.pooledGrid()) + " (its " +
                std::to_string(network.inputSize) + " px): choose a size that gives the same grid");
  }
  network = resized;
}

std::string TrainConfig::toJson() const {
  nlohmann::json j = {
      {"network", nlohmann::json::parse(network.toJson())},
      {"loss", loss}, {"margin", margin}, {"sampling", sampling}, {"people_per_batch", peoplePerBatch},
      {"photos_per_person", photosPerPerson}, {"pairs_per_batch", pairsPerBatch}, {"epochs", epochs},
      {"steps_per_epoch", stepsPerEpoch}, {"optimizer", optimizer}, {"learning_rate", learningRate},
      {"weight_decay", weightDecay}, {"momentum", momentum}, {"schedule", schedule}, {"step_every", stepEvery},
      {"step_gamma", stepGamma}, {"patience", patience}, {"threshold_method", thresholdMethod},
      {"augment", {{"enabled", augment.enabled}, {"flip", augment.flip}, {"rotate_degrees", augment.rotateDegrees},
                   {"scale", augment.scale}, {"shift", augment.shift}, {"brightness", augment.brightness},
                   {"contrast", augment.contrast}}},
      {"seed", seed}, {"threads", threads}, {"device", device}};
  if (!teacher.empty()) j["teacher"] = teacher;
  if (teachAugmented) j["teach_augmented"] = true;
  if (mixFaces > 0) j["mix_faces"] = mixFaces;
  if (quantizationAware) j["quantization_aware"] = true;
  if (splitSeed) j["split_seed"] = splitSeed;
  if (averageFromEpoch) j["average_from_epoch"] = averageFromEpoch;
  if (!init.empty()) {
    j["init"] = {{"from", init.from}, {"train", init.train}, {"last_blocks", init.lastBlocks},
                 {"base_lr_scale", init.baseLearningRateScale}};
  }
  return j.dump(2);
}

TrainConfig TrainConfig::fromJson(const std::string& text) {
  TrainConfig c;
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.contains("network")) c.network = NetworkConfig::fromJson(j["network"].dump());
    c.loss = j.value("loss", c.loss);
    c.teacher = j.value("teacher", c.teacher);
    c.teachAugmented = j.value("teach_augmented", c.teachAugmented);
    c.mixFaces = j.value("mix_faces", c.mixFaces);
    c.quantizationAware = j.value("quantization_aware", c.quantizationAware);
    c.margin = j.value("margin", c.margin);
    c.sampling = j.value("sampling", c.sampling);
    c.peoplePerBatch = j.value("people_per_batch", c.peoplePerBatch);
    c.photosPerPerson = j.value("photos_per_person", c.photosPerPerson);
    c.pairsPerBatch = j.value("pairs_per_batch", c.pairsPerBatch);
    c.epochs = j.value("epochs", c.epochs);
    c.stepsPerEpoch = j.value("steps_per_epoch", c.stepsPerEpoch);
    c.optimizer = j.value("optimizer", c.optimizer);
    c.learningRate = j.value("learning_rate", c.learningRate);
    c.weightDecay = j.value("weight_decay", c.weightDecay);
    c.momentum = j.value("momentum", c.momentum);
    c.schedule = j.value("schedule", c.schedule);
    c.stepEvery = j.value("step_every", c.stepEvery);
    c.stepGamma = j.value("step_gamma", c.stepGamma);
    c.patience = j.value("patience", c.patience);
    c.averageFromEpoch = j.value("average_from_epoch", c.averageFromEpoch);
    c.thresholdMethod = j.value("threshold_method", c.thresholdMethod);
    if (j.contains("augment")) {
      const auto& a = j["augment"];
      c.augment.enabled = a.value("enabled", c.augment.enabled);
      c.augment.flip = a.value("flip", c.augment.flip);
      c.augment.rotateDegrees = a.value("rotate_degrees", c.augment.rotateDegrees);
      c.augment.scale = a.value("scale", c.augment.scale);
      c.augment.shift = a.value("shift", c.augment.shift);
      c.augment.brightness = a.value("brightness", c.augment.brightness);
      c.augment.contrast = a.value("contrast", c.augment.contrast);
    }
    if (j.contains("init")) {
      const auto& i = j["init"];
      c.init.from = i.value("from", c.init.from);
      c.init.train = i.value("train", c.init.train);
      c.init.lastBlocks = i.value("last_blocks", c.init.lastBlocks);
      c.init.baseLearningRateScale = i.value("base_lr_scale", c.init.baseLearningRateScale);
    }
    c.seed = j.value("seed", c.seed);
    c.splitSeed = j.value("split_seed", c.splitSeed);
    c.threads = j.value("threads", c.threads);
    c.device = j.value("device", c.device);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed training configuration: ") + e.what());
  }
  return c;
}

double scheduledLearningRate(const TrainConfig& config, int epoch, std::size_t step, std::size_t stepsPerEpoch) {
  const double base = config.learningRate;
  if (config.schedule == "step") return base * std::pow(config.stepGamma, epoch / std::max(1, config.stepEvery));
  if (config.schedule == "cosine") {
    const double progress = (double(epoch) * double(stepsPerEpoch) + double(step)) /
                            (double(std::max(1, config.epochs)) * double(std::max<std::size_t>(1, stepsPerEpoch)));
    // Decays to 1% of the base rate, not zero: the last steps still learn.
    return base * (0.01 + 0.99 * 0.5 * (1 + std::cos(M_PI * progress)));
  }
  return base;
}

}  // namespace siamese
