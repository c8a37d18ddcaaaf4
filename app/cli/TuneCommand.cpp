// siamese tune: a budgeted hyperparameter search; prints a results table
// and saves the best configuration for 'siamese train --config'.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "CliSupport.h"
#include "Commands.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "train/Tuner.h"

namespace siamese::cli {

void addTuneCommand(CLI::App& app) {
  struct Args {
    std::string cache, pairsDir, holdOut, out = "best-config.json", table = "trials.csv", split = "0.8,0.1,0.1";
    TrainConfig base;
    TuneOptions tune;
    int minPhotos = 2;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("tune", "Search hyperparameters with short training runs (dlib global optimiser)");
  cmd->add_option("cache", args->cache, "Face cache")->required();
  cmd->add_option("--pairs-dir", args->pairsDir, "Folder with train.csv and validation.csv");
  cmd->add_option("--split", args->split, "Without --pairs-dir: fractions of people")->capture_default_str();
  cmd->add_option("--hold-out", args->holdOut, "Leave out the people of this pair list");
  cmd->add_option("--min-photos", args->minPhotos, "Leave out people with fewer photos")->capture_default_str();
  cmd->add_option("--trials", args->tune.trials, "Training runs to try")->capture_default_str();
  cmd->add_option("--epochs-per-trial", args->tune.epochsPerTrial)->capture_default_str();
  cmd->add_option("--steps-per-epoch", args->tune.stepsPerEpoch)->capture_default_str();
  cmd->add_option("--loss", args->base.loss, "contrastive, triplet or koch")->capture_default_str();
  cmd->add_option("--sampling", args->base.sampling, "online or pairs")->capture_default_str();
  cmd->add_option("--input-size", args->base.network.inputSize)->capture_default_str();
  cmd->add_option("--seed", args->base.seed)->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Best configuration (JSON)")->capture_default_str();
  cmd->add_option("--table", args->table, "All trials (CSV)")->capture_default_str();
  cmd->callback([args] {
    const FaceCache cache = loadFaceCache(args->cache);
    PairOptions pairOptions;
    pairOptions.seed = args->base.seed;
    pairOptions.minPhotosPerPerson = args->minPhotos;
    pairOptions.fractions = parseSplitFractions(args->split);
    const std::string pairsOut = (std::filesystem::path(args->out).parent_path() / "tune-pairs").string();
    const TrainData data = splitForTraining(cache, args->pairsDir, pairOptions, pairsOut,
                                            args->holdOut.empty() ? std::set<std::string>{} : peopleNamedIn(args->holdOut));
    std::printf("%d trials of %d epochs x %d steps\n", args->tune.trials, args->tune.epochsPerTrial,
                args->tune.stepsPerEpoch);
    std::printf("%5s %10s %7s %9s %6s %7s %8s %9s %8s %7s\n", "trial", "lr", "margin", "embedding", "blocks",
                "dropout", "optim", "accuracy", "AUC", "s");
    const TuneResult result = tuneHyperparameters(
        cache, data, args->base, args->tune,
        [](const TuneTrial& t, int) {
          std::printf("%5d %10.2e %7.3f %9d %6d %7.3f %8s %8.2f%% %8.4f %7.0f\n", t.number, t.config.learningRate,
                      t.config.margin, t.config.network.embeddingSize, t.config.network.blocks, t.config.network.dropout,
                      t.config.optimizer.c_str(), 100 * t.validationAccuracy, t.validationAuc, t.seconds);
          std::fflush(stdout);
        },
        &interruptToken());
    if (result.trials.empty()) return;
    writeTrialsCsv(args->table, result.trials);
    // The search's short runs are not the recipe for the real one: the full
    // run keeps the base's schedule (the defaults; `siamese train --epochs`
    // changes it), by the rule the training recipe uses (configForFullRun).
    writeFileAtomically(args->out, configForFullRun(result, args->base).toJson());
    std::printf("Best: trial %d (validation AUC %.4f). Configuration: %s; all trials: %s%s\n",
                result.trials[result.best].number, result.trials[result.best].validationAuc, args->out.c_str(),
                args->table.c_str(), result.stopped ? " (stopped early)" : "");
    std::printf("Train it fully with: siamese train %s --config %s\n", args->cache.c_str(), args->out.c_str());
  });
}

}  // namespace siamese::cli
