// siamese gallery adapt: fine-tunes the model on the gallery's own people
// (with another data set's people as impostors), checks it on held-out
// photos, and writes it, embedding the gallery for it, only when it is
// better. The model in use stays as it is; --model selects the new one.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "CliSupport.h"
#include "GalleryCommands.h"
#include "session/GalleryAdaptation.h"

namespace siamese::cli {
namespace {

struct AdaptArgs {
  GalleryAdaptationOptions options;
};

std::string defaultOutPath(const std::string& modelPath) {
  const std::filesystem::path model(modelPath);
  return (model.parent_path() / (model.stem().string() + "-adapted.siamese")).string();
}

void runAdapt(const GalleryOptions& gallery, AdaptArgs args) {
  auto session = gallery.session();
  const std::string modelPath = session->modelPath();
  if (args.options.outPath.empty()) args.options.outPath = defaultOutPath(modelPath);
  const MatchThreshold inForce = session->threshold();
  std::printf("Adapting %s to the people of %s (threshold in force %.4f, %s)\n", modelPath.c_str(),
              session->galleryPath().c_str(), inForce.value, inForce.source.c_str());
  ProgressBar bar("adapt", "steps");
  const GalleryAdaptationResult r =
      adaptGalleryModel(session->gallery(), modelPath, inForce.value, args.options,
                        [&bar](const Progress& p) { bar.update(p); }, &interruptToken());
  bar.finish();
  const AdaptationResult& a = r.adaptation;
  std::printf("%zu gallery photos used (%zu without a face for this model); %zu people trained on, %zu impostor people; "
              "%zu corrections trained on as hard negatives\n",
              r.photosUsed, r.photosWithoutFace, a.trainingPeople, a.impostorTrainingPeople, r.correctionsUsed);
  std::printf("held-out check, before: rank-1 %.1f%%, named %.1f%% of %zu probes; %.2f%% of %zu impostor photos accepted (threshold %.4f)\n",
              100 * a.before.rank1, 100 * a.before.identified, a.before.probes, 100 * a.before.falseAcceptRate,
              a.before.impostorProbes, a.before.threshold);
  std::printf("held-out check, after:  rank-1 %.1f%%, named %.1f%% of %zu probes; %.2f%% of %zu impostor photos accepted (threshold %.4f)\n",
              100 * a.after.rank1, 100 * a.after.identified, a.after.probes, 100 * a.after.falseAcceptRate,
              a.after.impostorProbes, a.after.threshold);
  if (!r.deployed) {
    std::printf("Not deployed: the adapted model is not better on the held-out check; nothing was changed.\n");
    return;
  }
  std::printf("Deployed: %s (id %s); the gallery was embedded for it (%zu photos). Use it with --model %s; the old "
              "model is unchanged.\n",
              args.options.outPath.c_str(), a.adapted.metadata.modelId.c_str(), r.reembedded.embedded,
              args.options.outPath.c_str());
}

}  // namespace

void addGalleryAdaptCommand(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto args = std::make_shared<AdaptArgs>();
  CLI::App* cmd = gallery.add_subcommand(
      "adapt", "Fine-tune the model on the gallery's people; keep it only when a held-out check says it is better");
  cmd->add_option("--impostors", args->options.impostorCache,
                  "Face cache of people not in the gallery, prepared for this model (e.g. LFW)")
      ->required();
  cmd->add_option("-o,--out", args->options.outPath, "Where the adapted model goes (default: <model>-adapted.siamese)");
  cmd->add_option("--trainable", args->options.adaptation.trainable, "head, last-blocks or all")->capture_default_str();
  cmd->add_option("--epochs", args->options.adaptation.epochs)->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--steps-per-epoch", args->options.adaptation.stepsPerEpoch)
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--lr", args->options.adaptation.learningRate)->capture_default_str()->check(CLI::Range(1e-7, 10.0));
  cmd->add_option("--seed", args->options.adaptation.seed)->capture_default_str();
  cmd->callback([options, args] { runAdapt(*options, *args); });
}

}  // namespace siamese::cli
