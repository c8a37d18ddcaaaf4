// siamese bench adaptation: "adapt to my people" measured on data sets used
// as galleries: each person's first N photos are enrolled (they train the
// adaptation and are matched against), the rest are probes the adaptation
// never sees; impostors come from another data set. Rank-1 of the probes
// and false accepts of held-out impostors, before and after. Writes its
// section of BENCHMARKS.md.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <sstream>

#include "BenchmarkFile.h"
#include "CliSupport.h"
#include "Commands.h"
#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "train/ModelAdaptation.h"

namespace siamese::cli {
namespace {

struct AdaptationBenchArgs {
  std::vector<std::string> galleries;  ///< NAME=CACHE
  std::string impostors;
  std::string model;
  int references = 3;
  AdaptationOptions options;
  std::string out = "BENCHMARKS.md";
};

std::string percent(double value) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", 100 * value);
  return text;
}

void runAdaptationBench(AdaptationBenchArgs args) {
  const std::string model = args.model.empty() ? faceTowerPath() : args.model;
  const BundleMetadata meta = readBundle(model).metadata;
  const FaceCache impostors = loadFaceCache(args.impostors);
  std::ostringstream md;
  md << "# Benchmarks: adapting a model to the user's people\n\n"
     << "Written by `siamese bench adaptation` (" << machineDescription() << "). Each data set is used as a gallery: "
     << "every person's first " << args.references << " photos are enrolled (the adaptation trains on them and "
     << "probes are matched against them), the rest are probes it never sees. Impostors: people of `"
     << impostors.settings().datasetRoot << "` (never anyone named like a gallery person; " << args.options.impostorPeople
     << " people at most, " << args.options.photosPerImpostor << " photos each: 60% train, 20% choose the epoch and "
     << "the adapted model's threshold, 20% are the impostor photos checked). Before: `" << meta.name
     << "` at its threshold; after: the adapted model (" << args.options.trainable << ", " << args.options.epochs << " × "
     << args.options.stepsPerEpoch << " steps, lr " << args.options.learningRate << ", seed " << args.options.seed
     << ") at its own. The GUI and `siamese gallery adapt` deploy an adapted model only when it is better.\n\n"
     << "Rank-1 is the nearest reference's person; named is rank-1 and within the threshold (what the user sees). "
     << "The adapted model's threshold accepts as many of the validation impostors as the model as it is does at its "
     << "threshold, so both are compared at about the same false-accept rate.\n\n"
     << "| gallery | people | probes | rank-1 before → after | named before → after | impostor photos accepted before → after | verdict |\n"
     << "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const std::string& entry : args.galleries) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos) throw Error("--gallery takes NAME=CACHE, not " + entry);
    const std::string name = entry.substr(0, eq);
    const FaceCache gallery = loadFaceCache(entry.substr(eq + 1));
    std::vector<int> references, probes;
    for (const auto& faces : gallery.facesByPerson()) {
      for (std::size_t k = 0; k < faces.size(); ++k) (int(k) < args.references ? references : probes).push_back(faces[k]);
    }
    ProgressBar bar(name, "steps");
    const AdaptationResult r = adaptModel(model, meta.threshold.value, gallery, references, probes, impostors,
                                          args.options, [&bar](const Progress& p) { bar.update(p); });
    bar.finish();
    std::printf("%s: %s\n", name.c_str(), r.verdict.c_str());
    md << "| " << name << " | " << gallery.people().size() << " | " << r.before.probes << " | " << percent(r.before.rank1)
       << " → **" << percent(r.after.rank1) << "** | " << percent(r.before.identified) << " → **"
       << percent(r.after.identified) << "** | " << percent(r.before.falseAcceptRate) << " → "
       << percent(r.after.falseAcceptRate) << " of " << r.before.impostorProbes << " | "
       << (r.better ? "better: would be deployed" : "not better: refused") << " |\n";
  }
  writeBenchmarkSection(args.out, "adaptation", md.str());
  std::printf("wrote %s\n", args.out.c_str());
}

}  // namespace

void addBenchAdaptationCommand(CLI::App& bench) {
  auto args = std::make_shared<AdaptationBenchArgs>();
  CLI::App* cmd = bench.add_subcommand(
      "adaptation", "Adapting a model to a gallery, measured on data sets used as galleries; rewrites its part of BENCHMARKS.md");
  cmd->add_option("--gallery", args->galleries, "NAME=CACHE: a face cache in the model's crops used as a gallery (repeatable)")
      ->required();
  cmd->add_option("--impostors", args->impostors, "Face cache of other people, in the same crops")->required();
  cmd->add_option("-m,--model", args->model, "Model to adapt (default: the face tower)");
  cmd->add_option("--references", args->references, "Photos enrolled per person; the rest are probes")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--trainable", args->options.trainable, "head, last-blocks or all")->capture_default_str();
  cmd->add_option("--epochs", args->options.epochs)->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--steps-per-epoch", args->options.stepsPerEpoch)->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--lr", args->options.learningRate)->capture_default_str()->check(CLI::Range(1e-7, 1.0));
  cmd->add_option("--seed", args->options.seed)->capture_default_str();
  cmd->add_option("--threads", args->options.threads, "LibTorch threads (0: all cores)")->check(CLI::Range(0, 256));
  cmd->add_option("-o,--out", args->out, "Markdown file whose adaptation section is rewritten")->capture_default_str();
  cmd->callback([args] { runAdaptationBench(*args); });
}

}  // namespace siamese::cli
