// siamese bench accuracy: measures every accuracy benchmark with the
// shipped models and rewrites its section of BENCHMARKS.md (the table beside
// the field's reference figures). `siamese bench training` is in
// TrainingBenchCommand.cpp; live and search speed are programs in bench/.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "AccuracyBenchmarks.h"
#include "BenchmarkFile.h"
#include "CliSupport.h"
#include "Commands.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "nn/Embedder.h"

namespace fs = std::filesystem;

namespace siamese::cli {

void addBenchCommand(CLI::App& app) {
  struct Args {
    BenchmarkInputs inputs;
    std::string out = "BENCHMARKS.md", only;
    int threads = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  addBenchTrainingCommand(*bench);
  addBenchEmbeddingCommand(*bench);
  addBenchAdaptationCommand(*bench);
  CLI::App* cmd = bench->add_subcommand("accuracy", "Measure every accuracy benchmark and rewrite BENCHMARKS.md");
  cmd->add_option("--data", args->inputs.data, "Data sets folder (default: $SIAMESE_DATA or ../shared/data)");
  cmd->add_option("--work", args->inputs.work, "Where prepared face caches are kept (resumable)")
      ->default_str("build/bench");
  cmd->add_option("-m,--model", args->inputs.faceModel,
                  "Our own face model for View 1, celeb13 and AT&T (default: models/default.siamese)");
  cmd->add_option("--tower", args->inputs.towerModel,
                  "The face tower, for every face row (default: the one `siamese import` made)");
  cmd->add_option("--fold-models", args->inputs.foldModels,
                  "LFW 10-fold models, a.siamese:1-5,b.siamese:6-10 (default: models/benchmark/lfw-heldout-*)");
  cmd->add_option("--mnist-model", args->inputs.mnistModel, "MNIST model (default: models/benchmark/mnist.siamese)");
  cmd->add_option("--omniglot-model", args->inputs.omniglotModel,
                  "Omniglot model (default: models/benchmark/omniglot.siamese)");
  cmd->add_option("--only", args->only, "Comma-separated benchmarks: lfw-10fold, lfw-view1, mnist, omniglot, celeb13, att");
  cmd->add_option("-o,--out", args->out, "Markdown file to write")->capture_default_str();
  cmd->add_option("--threads", args->threads, "LibTorch threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 256));
  cmd->callback([args] {
    configureTorchThreads(args->threads);
    BenchmarkInputs in = args->inputs;
    if (in.data.empty()) in.data = sharedDataDir();
    if (in.work.empty()) in.work = "build/bench";
    if (in.faceModel.empty()) in.faceModel = ownModelPath();
    if (in.towerModel.empty()) in.towerModel = faceTowerPath();
    // The benchmark models live beside our default model: models/benchmark
    // in a source tree, share/siamese-studio/models/benchmark when installed.
    const std::string shipped = fs::proximate(fs::path(ownModelPath()).parent_path() / "benchmark").string();
    if (in.foldModels.empty()) {
      in.foldModels = shipped + "/lfw-heldout-1-5.siamese:1-5," + shipped + "/lfw-heldout-6-10.siamese:6-10";
    }
    if (in.mnistModel.empty()) in.mnistModel = shipped + "/mnist.siamese";
    if (in.omniglotModel.empty()) in.omniglotModel = shipped + "/omniglot.siamese";

    // Relative paths where possible: they end up in BENCHMARKS.md's notes.
    for (std::string* path : {&in.data, &in.work, &in.faceModel, &in.mnistModel, &in.omniglotModel}) {
      *path = fs::proximate(*path).string();
    }
    const std::vector<std::string> keys = args->only.empty() ? benchmarkKeys() : splitList(args->only);
    std::vector<BenchmarkRow> rows;
    for (const std::string& key : keys) {
      rows.push_back(measureBenchmark(key, in));
      const BenchmarkRow& r = rows.back();
      for (const auto& [family, result] : {std::pair{"our model", &r.own}, std::pair{"face tower", &r.tower}}) {
        std::printf("%s, %s: %s%s%s\n", r.benchmark.c_str(), family, result->result.c_str(),
                    result->measured ? "" : " — ", result->measured ? "" : result->notes.c_str());
      }
      std::fflush(stdout);
    }
    std::string command = "siamese bench accuracy";
    if (!args->only.empty()) command += " --only " + args->only;
    writeBenchmarkSection(args->out, "accuracy", benchmarksMarkdown(rows, command, machineDescription()));
    std::printf("wrote %s\n", args->out.c_str());
  });
}

}  // namespace siamese::cli
