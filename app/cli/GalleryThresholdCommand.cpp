// siamese gallery threshold: the decision threshold chosen on the
// gallery's own photos for a target false-accept rate, shown beside the
// one in force, and optionally saved for identify and live video.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "GalleryCommands.h"
#include "gallery/ThresholdCalibration.h"

namespace siamese::cli {
namespace {

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", rate * 100);
  return text;
}

void printCalibration(const CalibrationReport& r, const BundleMetadata& model, const MatchThreshold& inUse) {
  std::printf("model %s: %zu people (%zu with two or more photos); %zu genuine and %zu impostor pairs%s\n",
              model.modelId.c_str(), r.people, r.peopleWithSeveralPhotos, r.genuinePairs, r.impostorPairs,
              r.sampled ? " (sampled)" : "");
  if (r.correctionPairs > 0) {
    std::printf("%zu of the impostor pairs are your corrections (a rejected face against the person's photos)\n",
                r.correctionPairs);
  }
  std::printf("threshold for a false-accept rate of %s: %.4f  (FAR %s, FRR %s)\n", percent(r.targetFar).c_str(),
              r.chosen.threshold, percent(r.chosen.falseAcceptRate).c_str(),
              r.genuinePairs ? percent(r.chosen.falseRejectRate).c_str() : "unknown");
  std::printf("the model bundle's threshold:           %.4f  (FAR %s, FRR %s) on this gallery\n", r.bundle.threshold,
              percent(r.bundle.falseAcceptRate).c_str(),
              r.genuinePairs ? percent(r.bundle.falseRejectRate).c_str() : "unknown");
  std::printf("in use now: %.4f (%s)\n", inUse.value, inUse.source.c_str());
  for (const std::string& warning : r.warnings) std::printf("warning: %s\n", warning.c_str());
}

struct ThresholdArgs {
  double far = 0.01;
  bool save = false, forget = false;
};

void runThreshold(const GalleryOptions& options, const ThresholdArgs& args) {
  auto session = options.session();
  GalleryStore& store = session->gallery();
  auto model = session->model();
  const BundleMetadata& meta = model->metadata();
  if (args.forget) {
    std::printf(store.clearThreshold(meta.modelId) ? "forgot the gallery's threshold for model %s\n"
                                                   : "the gallery had no threshold for model %s\n",
                meta.modelId.c_str());
    return;
  }
  CalibrationOptions calibration;
  calibration.targetFar = args.far;
  calibration.bundleThreshold = meta.threshold.value;
  calibration.corrections = store.rejectionEmbeddings(meta.modelId);
  const CalibrationReport report = calibrateThreshold(store.embeddings(meta.modelId), distanceOf(*model), calibration);
  printCalibration(report, meta, session->threshold());
  if (args.save) {
    store.setThreshold(meta.modelId, report.chosen.threshold, report.method());
    std::printf("saved: identify and live video use %.4f for model %s with this gallery\n", report.chosen.threshold,
                meta.modelId.c_str());
  }
}

}  // namespace

void addGalleryThresholdCommand(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto args = std::make_shared<ThresholdArgs>();
  CLI::App* cmd = gallery.add_subcommand(
      "threshold", "Choose the threshold on the gallery's own photos for a target false-accept rate");
  cmd->add_option("--far", args->far, "Target false-accept rate (share of different-people pairs let through)")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 0.5));
  cmd->add_flag("--save", args->save, "Store it in the gallery: identify and live video then use it");
  cmd->add_flag("--forget", args->forget, "Forget a stored threshold (the model's own is used again)");
  cmd->callback([options, args] { runThreshold(*options, *args); });
}

}  // namespace siamese::cli
