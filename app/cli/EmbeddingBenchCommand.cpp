// siamese bench embedding: how fast a model turns face crops into
// embeddings (what live video and re-embedding a gallery wait for), at
// batch sizes 1, 8 and 64 and with 1 and 2 LibTorch threads. Writes its
// section of BENCHMARKS.md.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "BenchmarkFile.h"
#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "common/Random.h"
#include "nn/Embedder.h"

namespace siamese::cli {
namespace {

struct EmbeddingBenchArgs {
  std::vector<std::string> models;  ///< empty: the face tower and our own model
  double seconds = 3;               ///< per measurement
  std::string out = "BENCHMARKS.md";
  bool batchSplitToo = false;       ///< also two threads each taking a piece of the batch
  std::string device = "cpu";       ///< where the models run: cpu, or cuda
};

struct Measurement {
  int threads = 0;
  int batch = 0;
  double imagesPerSecond = 0;
  double msPerBatch = 0;
};

// Random crops of the model's crop size: the content does not change the cost.
std::vector<Image> randomCrops(const BundleMetadata& model, int count) {
  Rng rng(3);
  std::vector<Image> crops;
  const int side = model.input.cropSize;
  const int channels = model.input.channels;
  for (int i = 0; i < count; ++i) {
    Image crop(side, side, channels);
    for (int y = 0; y < side; ++y) {
      std::uint8_t* row = crop.row(y);
      for (int x = 0; x < side * channels; ++x) row[x] = std::uint8_t(rng.below(256));
    }
    crops.push_back(std::move(crop));
  }
  return crops;
}

Measurement measure(Embedder& embedder, const std::vector<Image>& crops, int threads, double seconds) {
  configureTorchThreads(threads);
  embedder.embed(crops);  // warm-up: first calls allocate and pick kernels
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int batches = 0;
  double elapsed = 0;
  do {
    embedder.embed(crops);
    ++batches;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return {threads, int(crops.size()), batches * double(crops.size()) / elapsed, 1000 * elapsed / batches};
}

void runEmbeddingBench(const EmbeddingBenchArgs& args) {
  std::vector<std::string> models = args.models;
  if (models.empty()) {
    if (std::filesystem::exists(faceTowerPath())) models.push_back(faceTowerPath());
    models.push_back(ownModelPath());
  }
  std::ostringstream md;
  md << "# Benchmarks: embedding speed\n\n"
     << "Written by `siamese bench embedding` (" << machineDescription() << (args.device == "cpu" ? "" : "; run on " + args.device)
     << "). Face crops of each model's size in, embeddings out, through `Embedder::embed` (conversion, network, "
        "mirror averaging where the bundle asks for it; batch norms folded into the convolutions, and on the CPU "
        "batches above 16 run in chunks of 16 so their activations stay in the cache, and the face tower's go in "
        "channels-last; batches under 4 faces on one thread, their conversion included"
     << "; models in 8-bit integers (int8) cut a batch of 4 or more in two on two threads, and each of the two "
        "threads (the caller and a helper that lives as long as the model) converts and embeds a half with one "
        "OpenMP thread, where float32 models let LibTorch split every layer"
     << (args.batchSplitToo ? "; rows \"batch cut between them\" and \"every layer split between them\": the other way" : "")
     << "; the memory batches free kept in the heap while a model is loaded), for "
     << args.seconds << " s per cell after a warm-up batch. Images per second (ms per batch).\n\n"
     << "| model | threads | batch 1 | batch 8 | batch 64 |\n| --- | --- | --- | --- | --- |\n";
  for (const std::string& path : models) {
    auto embedder = Embedder::load(path, parseDevice(args.device));
    const BundleMetadata& meta = embedder->metadata();
    const std::string name = meta.name.empty() ? meta.modelId : meta.name;
    struct Row {
      int threads;
      bool split;
      const char* label;
    };
    const bool cutByDefault = embedder->batchSplitBetweenThreads();
    std::vector<Row> rows{{1, cutByDefault, "1"}, {2, cutByDefault, "2"}};
    if (args.batchSplitToo) {
      rows.push_back({2, !cutByDefault, cutByDefault ? "2, every layer split between them" : "2, batch cut between them"});
    }
    for (const Row& row : rows) {
      embedder->setBatchSplitBetweenThreads(row.split);
      md << "| " << name << " (" << meta.input.size << " px" << (embedder->precision() == "float32" ? "" : ", " + embedder->precision())
         << ") | " << row.label;
      for (int batch : {1, 8, 64}) {
        const Measurement m = measure(*embedder, randomCrops(meta, batch), row.threads, args.seconds);
        std::printf("%s, threads %s, batch %2d: %7.1f images/s (%.1f ms per batch)\n", name.c_str(), row.label, batch,
                    m.imagesPerSecond, m.msPerBatch);
        std::fflush(stdout);
        char cell[64];
        std::snprintf(cell, sizeof cell, " | %.1f (%.1f ms)", m.imagesPerSecond, m.msPerBatch);
        md << cell;
      }
      md << " |\n";
    }
  }
  writeBenchmarkSection(args.out, "embedding", md.str());
  std::printf("wrote %s\n", args.out.c_str());
}

}  // namespace

void addBenchEmbeddingCommand(CLI::App& bench) {
  auto args = std::make_shared<EmbeddingBenchArgs>();
  CLI::App* cmd = bench.add_subcommand(
      "embedding", "Embedding throughput at batch 1, 8 and 64 with 1 and 2 threads; rewrites its part of BENCHMARKS.md");
  cmd->add_option("-m,--model", args->models, "Model bundles (default: the face tower and our own model)");
  cmd->add_option("--seconds", args->seconds, "Time per measurement")->capture_default_str()->check(CLI::Range(0.1, 600.0));
  cmd->add_flag("--batch-split-too", args->batchSplitToo,
                "Also measure two threads the other way: each embedding half of the batch, or every layer split between them (Embedder::setBatchSplitBetweenThreads)");
  cmd->add_option("--device", args->device, "Where the models embed: cpu, or cuda (a GPU)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Markdown file whose embedding section is rewritten")->capture_default_str();
  cmd->callback([args] { runEmbeddingBench(*args); });
}

}  // namespace siamese::cli
