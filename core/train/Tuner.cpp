#include "train/Tuner.h"

#include <dlib/global_optimization.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"

namespace siamese {
namespace {

const char* const kOptimizers[] = {"adam", "adamw", "rmsprop", "sgd"};

// Thrown from inside the objective to end dlib's search early.
struct SearchStopped {};

}  // namespace

TuneResult tuneHyperparameters(const FaceCache& cache, const TrainData& data, const TrainConfig& base,
                               const TuneOptions& options, const TuneProgressFn& progress, const StopToken* stop) {
  if (options.trials < 1) throw Error("tuning needs at least one trial");
  TuneResult result;
  // Deepest tower the input allows (each block halves it; keep >= 4 px).
  int maxBlocks = 1;
  while (maxBlocks < 5 && (base.network.inputSize >> (maxBlocks + 1)) >= 4) ++maxBlocks;

  auto objective = [&](double log10Rate, double margin, double log2Embedding, double blocks, double dropout,
                       double optimizer) {
    if (stop && stop->stopRequested()) throw SearchStopped{};
    TuneTrial trial;
    trial.number = int(result.trials.size()) + 1;
    trial.config = base;
    trial.config.learningRate = std::pow(10.0, log10Rate);
    trial.config.margin = margin;
    trial.config.network.embeddingSize = 1 << int(std::lround(log2Embedding));
    trial.config.network.blocks = int(std::lround(blocks));
    trial.config.network.dropout = dropout;
    trial.config.optimizer = kOptimizers[std::size_t(std::lround(optimizer))];
    trial.config.epochs = options.epochsPerTrial;
    trial.config.stepsPerEpoch = options.stepsPerEpoch;
    trial.config.patience = 0;
    const auto start = std::chrono::steady_clock::now();
    TrainOptions trainOptions;
    trainOptions.stop = stop;
    const TrainResult run = trainSiamese(cache, data, trial.config, trainOptions);
    if (run.stopped) throw SearchStopped{};
    for (const EpochRecord& r : run.history) {
      trial.validationAuc = std::max(trial.validationAuc, r.validationAuc);
      trial.validationAccuracy = std::max(trial.validationAccuracy, r.validationAccuracy);
    }
    trial.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.trials.push_back(trial);
    if (trial.validationAuc > result.trials[result.best].validationAuc) result.best = result.trials.size() - 1;
    if (progress) progress(trial, options.trials);
    return trial.validationAuc;
  };

  try {
    dlib::find_max_global(objective,
                          {-4.0, 0.3, 5.0, 1.0, 0.0, 0.0},                       // lower bounds
                          {-2.3, 1.5, 8.0, double(maxBlocks), 0.5, 3.0},         // upper bounds
                          {false, false, true, true, false, true},               // integer dimensions
                          dlib::max_function_calls(std::size_t(options.trials)));
  } catch (const SearchStopped&) {
    result.stopped = true;
  }
  return result;
}

void writeTrialsCsv(const std::string& path, const std::vector<TuneTrial>& trials) {
  std::ostringstream out;
  out << "trial,learning_rate,margin,embedding,blocks,dropout,optimizer,validation_accuracy,validation_auc,seconds\n";
  out.precision(6);
  for (const TuneTrial& t : trials) {
    out << t.number << ',' << t.config.learningRate << ',' << t.config.margin << ',' << t.config.network.embeddingSize
        << ',' << t.config.network.blocks << ',' << t.config.network.dropout << ',' << t.config.optimizer << ','
        << t.validationAccuracy << ',' << t.validationAuc << ',' << t.seconds << '\n';
  }
  writeFileAtomically(path, out.str());
}

TrainConfig configForFullRun(const TuneResult& result, const TrainConfig& requested) {
  if (result.trials.empty()) throw Error("the search ran no trial");
  TrainConfig config = result.trials.at(result.best).config;
  config.epochs = requested.epochs;
  config.stepsPerEpoch = requested.stepsPerEpoch;
  config.patience = requested.patience;
  return config;
}

}  // namespace siamese
