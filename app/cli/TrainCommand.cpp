// siamese train: a siamese network from a face cache, validated each
// epoch, checkpointed, resumable, saved as a model bundle.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>

#include "CliSupport.h"
#include "Commands.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/CachePairs.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "train/InitialModelPeople.h"
#include "train/TrainingRecipe.h"

namespace siamese::cli {
namespace {

void printEpoch(const EpochRecord& r, int epochs) {
  std::printf("epoch %d/%d  train loss %.4f  validation loss %.4f  accuracy %.2f%%  AUC %.4f  lr %.2e  (%.0f s)\n",
              r.epoch, epochs, r.trainLoss, r.validationLoss, 100 * r.validationAccuracy, r.validationAuc,
              r.learningRate, r.seconds);
  std::fflush(stdout);
}

// How a command-line option replaces the value read from --config.
struct Override {
  const char* option;
  void (*apply)(TrainConfig& config, const TrainConfig& given);
};

const Override kOverrides[] = {
    {"--loss", [](TrainConfig& c, const TrainConfig& g) { c.loss = g.loss; }},
    {"--teacher", [](TrainConfig& c, const TrainConfig& g) { c.teacher = g.teacher; }},
    {"--teach-augmented", [](TrainConfig& c, const TrainConfig& g) { c.teachAugmented = g.teachAugmented; }},
    {"--mix-faces", [](TrainConfig& c, const TrainConfig& g) { c.mixFaces = g.mixFaces; }},
    {"--quantization-aware", [](TrainConfig& c, const TrainConfig& g) { c.quantizationAware = g.quantizationAware; }},
    {"--margin", [](TrainConfig& c, const TrainConfig& g) { c.margin = g.margin; }},
    {"--sampling", [](TrainConfig& c, const TrainConfig& g) { c.sampling = g.sampling; }},
    {"--people-per-batch", [](TrainConfig& c, const TrainConfig& g) { c.peoplePerBatch = g.peoplePerBatch; }},
    {"--photos-per-person", [](TrainConfig& c, const TrainConfig& g) { c.photosPerPerson = g.photosPerPerson; }},
    {"--pairs-per-batch", [](TrainConfig& c, const TrainConfig& g) { c.pairsPerBatch = g.pairsPerBatch; }},
    {"--epochs", [](TrainConfig& c, const TrainConfig& g) { c.epochs = g.epochs; }},
    {"--steps-per-epoch", [](TrainConfig& c, const TrainConfig& g) { c.stepsPerEpoch = g.stepsPerEpoch; }},
    {"--optimizer", [](TrainConfig& c, const TrainConfig& g) { c.optimizer = g.optimizer; }},
    {"--lr", [](TrainConfig& c, const TrainConfig& g) { c.learningRate = g.learningRate; }},
    {"--weight-decay", [](TrainConfig& c, const TrainConfig& g) { c.weightDecay = g.weightDecay; }},
    {"--schedule", [](TrainConfig& c, const TrainConfig& g) { c.schedule = g.schedule; }},
    {"--patience", [](TrainConfig& c, const TrainConfig& g) { c.patience = g.patience; }},
    {"--average-from", [](TrainConfig& c, const TrainConfig& g) { c.averageFromEpoch = g.averageFromEpoch; }},
    {"--threshold-method", [](TrainConfig& c, const TrainConfig& g) { c.thresholdMethod = g.thresholdMethod; }},
    {"--seed", [](TrainConfig& c, const TrainConfig& g) { c.seed = g.seed; }},
    {"--split-seed", [](TrainConfig& c, const TrainConfig& g) { c.splitSeed = g.splitSeed; }},
    {"--threads", [](TrainConfig& c, const TrainConfig& g) { c.threads = g.threads; }},
    {"--device", [](TrainConfig& c, const TrainConfig& g) { c.device = g.device; }},
    {"--arch", [](TrainConfig& c, const TrainConfig& g) { c.network.architecture = g.network.architecture; }},
    {"--input-size", [](TrainConfig& c, const TrainConfig& g) { c.network.inputSize = g.network.inputSize; }},
    {"--channels", [](TrainConfig& c, const TrainConfig& g) { c.network.channels = g.network.channels; }},
    {"--blocks", [](TrainConfig& c, const TrainConfig& g) { c.network.blocks = g.network.blocks; }},
    {"--filters", [](TrainConfig& c, const TrainConfig& g) { c.network.filters = g.network.filters; }},
    {"--kernel", [](TrainConfig& c, const TrainConfig& g) { c.network.kernel = g.network.kernel; }},
    {"--convs-per-block", [](TrainConfig& c, const TrainConfig& g) { c.network.convsPerBlock = g.network.convsPerBlock; }},
    {"--embedding", [](TrainConfig& c, const TrainConfig& g) { c.network.embeddingSize = g.network.embeddingSize; }},
    {"--dropout", [](TrainConfig& c, const TrainConfig& g) { c.network.dropout = g.network.dropout; }},
    {"--projection", [](TrainConfig& c, const TrainConfig& g) { c.network.projection = g.network.projection; }},
    {"--init", [](TrainConfig& c, const TrainConfig& g) { c.init.from = g.init.from; }},
    {"--trainable", [](TrainConfig& c, const TrainConfig& g) { c.init.train = g.init.train; }},
    {"--last-blocks", [](TrainConfig& c, const TrainConfig& g) { c.init.lastBlocks = g.init.lastBlocks; }},
    {"--base-lr-scale", [](TrainConfig& c, const TrainConfig& g) {
       c.init.baseLearningRateScale = g.init.baseLearningRateScale;
     }},
};

}  // namespace

TrainData splitForTraining(const FaceCache& cache, const std::string& pairsDir, const PairOptions& pairOptions,
                           const std::string& writePairsTo, const std::set<std::string>& heldOut,
                           std::vector<Pair>* testPairs) {
  TrainData data;
  if (!pairsDir.empty()) {
    data.trainPairs = readPairSplit(cache, pairsDir, Split::Train);
    data.validationPairs = readPairSplit(cache, pairsDir, Split::Validation);
    std::printf("Pairs from %s: %zu train, %zu validation\n", pairsDir.c_str(), data.trainPairs.size(),
                data.validationPairs.size());
    if (testPairs && std::filesystem::exists(std::filesystem::path(pairsDir) / "test.csv")) {
      *testPairs = readPairSplit(cache, pairsDir, Split::Test);
    }
  } else {
    const PairSet set = buildAndWritePairs(cache, pairOptions, writePairsTo, heldOut);
    if (testPairs) *testPairs = set[Split::Test];
    return trainDataFrom(set);
  }
  data.trainFaces = facesInPairs(data.trainPairs);
  return data;
}

namespace {

struct TrainArgs {
  std::string cache, pairsDir, configFile, out = "model.siamese", history, checkpoint, split = "0.8,0.1,0.1";
  std::string name, holdOut, holdOutFolds;
  std::string precision = "float32";  ///< TrainOptions::precision
  bool resume = false, noAugment = false, noFlip = false, splitByPhoto = false;
  int minPhotos = 2;
  int searchTrials = 0;
  TrainConfig config;
};

// What to train on, where the results go, and resuming.
void addDataOptions(CLI::App& cmd, TrainArgs& args) {
  cmd.add_option("cache", args.cache, "Face cache made by 'siamese prepare'")->required();
  cmd.add_option("-o,--out", args.out, "Model bundle to write")->capture_default_str();
  cmd.add_option("--pairs-dir", args.pairsDir, "Folder with train.csv and validation.csv from 'siamese pairs'");
  cmd.add_option("--split", args.split, "Without --pairs-dir: fractions of people train,validation,test")
      ->capture_default_str();
  cmd.add_option("--min-photos", args.minPhotos, "Without --pairs-dir: leave out people with fewer photos");
  cmd.add_flag("--split-by-photo", args.splitByPhoto,
                "Without --pairs-dir: split each class's photos, not the classes (MNIST's protocol)");
  cmd.add_option("--hold-out", args.holdOut,
                  "Without --pairs-dir: leave out every person named in this pair list (LFW pairs file or CSV)");
  cmd.add_option("--hold-out-folds", args.holdOutFolds,
                  "With an LFW pairs file in --hold-out: only the people of these folds, e.g. 6-10");
  cmd.add_option("--config", args.configFile, "Training configuration JSON (options below override it)");
  cmd.add_option("--history", args.history, "History CSV (default: <out>.history.csv)");
  cmd.add_option("--checkpoint", args.checkpoint, "Checkpoint file (default: <out>.ckpt)");
  cmd.add_flag("--resume", args.resume, "Continue from the checkpoint");
  cmd.add_option("--name", args.name, "A name for the model, kept in the bundle");
  cmd.add_option("--search", args.searchTrials,
                  "First search hyperparameters with this many short runs (as 'siamese tune'), then train the best "
                  "fully with the schedule given here");
}

// The loss, sampling, schedule and optimiser.
void addTrainingOptions(CLI::App& cmd, TrainConfig& c, TrainArgs& args) {
  cmd.add_option("--loss", c.loss, "contrastive, triplet, koch or distil (learn --teacher's embeddings)")->capture_default_str();
  cmd.add_option("--teacher", c.teacher, "With --loss distil: the model whose embeddings the network learns (e.g. the face tower)");
  cmd.add_flag("--teach-augmented,!--no-teach-augmented", c.teachAugmented,
               "With --loss distil: the teacher embeds every step's augmented crops (slower; each crop is taught "
               "the teacher's embedding of itself), instead of each photo once");
  cmd.add_option("--mix-faces", c.mixFaces,
                 "With --teach-augmented: the share of crops blended with another crop of the batch (mixup) before "
                 "the teacher and the student see them; 0 to 1")->capture_default_str();
  cmd.add_flag("--quantization-aware,!--no-quantization-aware", c.quantizationAware,
               "Going on from a residual net of ours (--init): train through the rounding of its 8-bit inference, "
               "so that `siamese model --precision int8` loses less");
  cmd.add_option("--margin", c.margin, "Margin of the contrastive or triplet loss")->capture_default_str();
  cmd.add_option("--sampling", c.sampling, "online (P x K batches) or pairs")->capture_default_str();
  cmd.add_option("--people-per-batch", c.peoplePerBatch, "P")->capture_default_str();
  cmd.add_option("--photos-per-person", c.photosPerPerson, "K")->capture_default_str();
  cmd.add_option("--pairs-per-batch", c.pairsPerBatch, "Pairs mode batch size")->capture_default_str();
  cmd.add_option("--epochs", c.epochs)->capture_default_str();
  cmd.add_option("--steps-per-epoch", c.stepsPerEpoch, "0: one pass over the photos or pairs");
  cmd.add_option("--optimizer", c.optimizer, "adam, adamw, rmsprop, sgd")->capture_default_str();
  cmd.add_option("--lr", c.learningRate, "Learning rate")->capture_default_str();
  cmd.add_option("--weight-decay", c.weightDecay)->capture_default_str();
  cmd.add_option("--schedule", c.schedule, "constant, step, cosine")->capture_default_str();
  cmd.add_option("--patience", c.patience, "Early stopping: epochs without validation improvement (0: off)")
      ->capture_default_str();
  cmd.add_option("--average-from", c.averageFromEpoch,
                 "Also average the weights of every epoch from this one on (stochastic weight averaging); the "
                 "average is kept when it beats the best epoch on the validation pairs (0: off)")
      ->capture_default_str();
  cmd.add_option("--threshold-method", c.thresholdMethod, "midpoint, best-accuracy, eer, far=<rate>")
      ->capture_default_str();
  cmd.add_flag("--no-augment", args.noAugment, "Train without augmentation");
  cmd.add_flag("--no-flip", args.noFlip, "Augment without mirroring (characters and digits change meaning)");
  cmd.add_option("--seed", c.seed)->capture_default_str();
  cmd.add_option("--split-seed", c.splitSeed,
                 "Without --pairs-dir: the seed of the split of people (default: --seed; with --init a model "
                 "trained here, that model's split)");
  cmd.add_option("--threads", c.threads, "LibTorch threads (0: all cores)")->check(CLI::Range(0, 256));
  cmd.add_option("--device", c.device, "auto, cpu or cuda")->capture_default_str();
}

// How the arithmetic runs: not part of the model's configuration.
void addPrecisionOption(CLI::App& cmd, TrainArgs& args) {
  cmd.add_option("--precision", args.precision,
                 "The forward pass in float32, or under autocast in bfloat16 (a GPU, or a CPU with AVX-512 BF16; on "
                 "such CPUs without AMX it is slower) or float16 (GPU only, with loss scaling)")
      ->check(CLI::IsMember({"float32", "bfloat16", "float16"}))
      ->capture_default_str();
}

// Transfer learning: where to start and what trains.
void addInitOptions(CLI::App& cmd, TrainConfig& c) {
  cmd.add_option("--init", c.init.from,
                  "Start from this model bundle (the face tower, or a model trained here) instead of from scratch; "
                  "the network is then that model's, plus --projection");
  cmd.add_option("--trainable", c.init.train,
                  "With --init: all, last-blocks (the tower's last --last-blocks blocks and final layer) or head "
                  "(only the projection or Koch head; the frozen layers run once over the photos)")
      ->capture_default_str();
  cmd.add_option("--last-blocks", c.init.lastBlocks, "With --trainable last-blocks: how many of the tower's 14 blocks")
      ->capture_default_str();
  cmd.add_option("--base-lr-scale", c.init.baseLearningRateScale,
                  "With --init: the pretrained layers learn at this x --lr; new layers at --lr")
      ->capture_default_str();
  cmd.add_option("--projection", c.network.projection,
                  "A projection trained on top of the network: none, linear (starts as the identity) or mlp")
      ->capture_default_str();
}

// The network's shape.
void addNetworkOptions(CLI::App& cmd, NetworkConfig& n) {
  cmd.add_option("--arch", n.architecture, "convnet or resnet")->capture_default_str();
  cmd.add_option("--input-size", n.inputSize, "Network input, px (crops are resized); with --init a network of ours, its weights at this size")->capture_default_str();
  cmd.add_option("--channels", n.channels, "1 grey or 3 colour")->capture_default_str();
  cmd.add_option("--blocks", n.blocks)->capture_default_str();
  cmd.add_option("--filters", n.filters, "Filters of the first block")->capture_default_str();
  cmd.add_option("--kernel", n.kernel)->capture_default_str();
  cmd.add_option("--convs-per-block", n.convsPerBlock)->capture_default_str();
  cmd.add_option("--embedding", n.embeddingSize, "Embedding size")->capture_default_str();
  cmd.add_option("--dropout", n.dropout)->capture_default_str();
}

// The configuration: a --config file as the base, options given on the
// command line (`given`) over it. With --init, `initial` gets that model's
// description (read once: the warning below needs its people too).
TrainConfig trainConfigOf(const TrainArgs& args, const std::function<bool(const char*)>& given,
                          std::optional<BundleMetadata>& initial) {
  TrainConfig config = args.configFile.empty() ? args.config : TrainConfig::fromJson(readTextFile(args.configFile));
  if (!args.configFile.empty()) {
    for (const Override& o : kOverrides) {
      if (given(o.option)) o.apply(config, args.config);
    }
  }
  if (args.noAugment) config.augment.enabled = false;
  if (args.noFlip) config.augment.flip = false;
  if (!config.init.empty()) {
    for (const char* option : {"--arch", "--channels", "--blocks", "--filters", "--kernel", "--convs-per-block",
                               "--dropout"}) {
      if (given(option)) std::printf("note: %s is ignored with --init: the network is the pretrained model's\n", option);
    }
    const int askedInputSize = config.network.inputSize;
    initial = readBundle(config.init.from).metadata;
    config.startFrom(initial->network);
    // The same weights at another resolution (a network of ours only).
    if (given("--input-size")) config.resizeInput(askedInputSize);
    // Its validation people stay people neither model trained on.
    if (!initial->training.configJson.empty()) config.keepSplitOf(TrainConfig::fromJson(initial->training.configJson));
  }
  return config;
}

// The training and validation pairs: from --pairs-dir, or split now
// (written beside the bundle) without the held-out people. `testPairs`, when
// given, gets the test pairs (for the warning below).
TrainData trainDataOf(const TrainArgs& args, const TrainConfig& config, const FaceCache& cache,
                      std::vector<Pair>* testPairs) {
  PairOptions pairOptions;
  pairOptions.seed = config.peopleSplitSeed();
  pairOptions.minPhotosPerPerson = args.minPhotos;
  pairOptions.fractions = parseSplitFractions(args.split);
  pairOptions.splitByPhoto = args.splitByPhoto;
  const std::string outDir = std::filesystem::path(args.out).parent_path().string();
  const std::string stem = std::filesystem::path(args.out).stem().string();
  std::set<std::string> heldOut;
  if (!args.holdOut.empty()) {
    heldOut = peopleNamedIn(args.holdOut, args.holdOutFolds.empty() ? std::set<int>{} : parseFoldList(args.holdOutFolds));
  }
  return splitForTraining(cache, args.pairsDir, pairOptions, (outDir.empty() ? "." : outDir) + "/" + stem + "-pairs",
                          heldOut, testPairs);
}

// Going on from a model: the validation and test people it trained on. A
// best epoch chosen on faces the network has learned is chosen on noise,
// and a test score on them is no test.
void warnOfPeopleTrainedOn(const FaceCache& cache, const TrainData& data, const std::vector<Pair>& testPairs,
                           const BundleMetadata& initial, const std::string& initialPath) {
  const PeopleTrainedOn seen = peopleTrainedOn(initial, cache, data.validationPairs, testPairs);
  if (!seen.any()) return;
  const bool validation = seen.validation.trainedOn > 0, test = seen.test.trainedOn > 0;
  const std::string who = validation ? describeTrainedOn(seen.validation, "validation") : describeTrainedOn(seen.test, "test");
  const std::string andTest = validation && test ? " (and " + describeTrainedOn(seen.test, "test") + ")" : "";
  const char* optimistic = !validation ? "the test figures are"
                           : test      ? "the validation figures, the best epoch and the test figures are"
                                       : "the validation figures and the best epoch are";
  std::printf("warning: %s were trained on by %s%s: %s optimistic; split as that model was (--split-seed) or give "
              "--pairs-dir\n",
              who.c_str(), initialPath.c_str(), andTest.c_str(), optimistic);
}

// Epoch lines and a progress bar for the trainer's reports.
TrainProgressFn printProgress(ProgressBar& bar) {
  return [&bar](const TrainProgress& p) {
    if (p.finishedEpoch) {
      bar.finish();
      printEpoch(*p.finishedEpoch, p.epochs);
      return;
    }
    Progress progress;
    progress.done = p.step;
    progress.total = p.stepsPerEpoch;
    progress.unitsPerSecond = p.imagesPerSecond;
    char text[96];
    std::snprintf(text, sizeof text, "epoch %d/%d loss %.4f, all epochs ETA %.0f min", p.epoch, p.epochs, p.loss,
                  p.etaSeconds / 60);
    progress.message = text;
    bar.update(progress);
  };
}

TrainingRecipe recipeOf(const TrainArgs& args, const TrainConfig& config) {
  TrainingRecipe recipe;
  recipe.config = config;
  recipe.modelName = args.name;
  if (args.searchTrials > 0) {
    recipe.search = TuneOptions{};
    recipe.search->trials = args.searchTrials;
    recipe.searchProgress = [](const TuneTrial& t, int n) {
      std::printf("search trial %d/%d: validation AUC %.4f, accuracy %.2f%% (%.0f s)\n", t.number, n,
                  t.validationAuc, 100 * t.validationAccuracy, t.seconds);
      std::fflush(stdout);
    };
  }
  recipe.train.checkpointPath = args.checkpoint.empty() ? args.out + ".ckpt" : args.checkpoint;
  recipe.train.resume = args.resume;
  recipe.train.precision = parsePrecision(args.precision);
  recipe.train.stop = &interruptToken();
  return recipe;
}

// Saves what was trained and says so.
void saveAndReport(const TrainArgs& args, TrainingOutcome& outcome, const std::string& checkpointPath) {
  if (outcome.searchOnly()) {
    std::printf("Stopped during the search; nothing was trained.\n");
    return;
  }
  if (outcome.search) {
    const TrainConfig& t = outcome.trainedWith;
    std::printf("Trained the best trial's settings: lr %.2e, margin %.3f, embedding %d, %d blocks, dropout %.3f, %s\n",
                t.learningRate, t.margin, t.network.embeddingSize, t.network.blocks, t.network.dropout,
                t.optimizer.c_str());
  }
  TrainResult& result = outcome.trained;
  const std::string historyPath = args.history.empty() ? args.out + ".history.csv" : args.history;
  if (result.stopped) std::printf("Stopped. Checkpoint: %s (continue with --resume)\n", checkpointPath.c_str());
  if (result.bundle.weights.empty()) {
    writeHistoryCsv(historyPath, result.history);
    return;
  }
  saveTrainedModel(args.out, result.bundle, result.history, historyPath);
  const auto& m = result.bundle.metadata;
  std::printf("Model %s (id %s) on %s: best epoch %d%s\n", args.out.c_str(), m.modelId.c_str(),
              result.device.c_str(), result.bestEpoch, result.earlyStopped ? " (early stop)" : "");
  if (result.average.epochs > 0) std::printf("  %s\n", describeWeightAverage(result.average).c_str());
  if (result.skippedSteps > 0) {
    std::printf("  loss scaling skipped %ld step(s) whose gradients overflowed float16\n", result.skippedSteps);
  }
  std::printf("  threshold %.4f (%s on %s): validation accuracy %.2f%%, AUC %.4f, EER %.2f%%\n", m.threshold.value,
              m.threshold.method.c_str(), m.threshold.chosenOn.c_str(), 100 * m.metrics.at("validation_accuracy"),
              m.metrics.at("validation_auc"), 100 * m.metrics.at("validation_eer"));
  std::printf("  history: %s\n", historyPath.c_str());
}

void runTrain(const TrainArgs& args, const std::function<bool(const char*)>& given) {
  std::optional<BundleMetadata> initial;
  const TrainConfig config = trainConfigOf(args, given, initial);
  const FaceCache cache = loadFaceCache(args.cache);
  std::vector<Pair> testPairs;
  const TrainData data = trainDataOf(args, config, cache, initial ? &testPairs : nullptr);
  if (initial) warnOfPeopleTrainedOn(cache, data, testPairs, *initial, config.init.from);
  TrainingRecipe recipe = recipeOf(args, config);
  ProgressBar bar("train", "img");
  recipe.train.progress = printProgress(bar);
  ProgressBar frozenBar("frozen layers", "img");
  recipe.train.featureProgress = [&frozenBar](const Progress& p) {
    frozenBar.update(p);
    if (p.done >= p.total) frozenBar.finish();
  };
  const std::string splitSeed = config.peopleSplitSeed() == config.seed
                                    ? std::string()
                                    : ", people split with seed " + std::to_string(config.peopleSplitSeed());
  std::printf("Training %s (%s loss, %s sampling) for %d epochs, seed %llu%s%s\n", config.network.architecture.c_str(),
              config.loss.c_str(), config.sampling.c_str(), config.epochs,
              static_cast<unsigned long long>(config.seed), splitSeed.c_str(), recipe.search ? ", after a search" : "");
  if (!config.init.empty()) {
    std::printf("  starting from %s, training %s%s, projection %s\n", config.init.from.c_str(), config.init.train.c_str(),
                config.init.train == "last-blocks" ? (" (" + std::to_string(config.init.lastBlocks) + ")").c_str() : "",
                config.network.projection.c_str());
  }
  TrainingOutcome outcome = runTrainingRecipe(cache, data, recipe);
  bar.finish();
  saveAndReport(args, outcome, recipe.train.checkpointPath);
}

}  // namespace

void addTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train a siamese network on a face cache");
  addDataOptions(*cmd, *args);
  addTrainingOptions(*cmd, args->config, *args);
  addPrecisionOption(*cmd, *args);
  addNetworkOptions(*cmd, args->config.network);
  addInitOptions(*cmd, args->config);
  cmd->callback([args, cmd] { runTrain(*args, [cmd](const char* option) { return cmd->count(option) > 0; }); });
}

}  // namespace siamese::cli
