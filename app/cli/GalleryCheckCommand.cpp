// siamese gallery check: the gallery's health for the model in use (likely
// mislabelled photos, near-duplicates, people with too few photos, photos
// without an embedding, the most confusable pairs of people), each finding
// with what to do; --json for programs.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "GalleryCommands.h"
#include "gallery/GalleryHealth.h"
#include "gallery/MatchThreshold.h"
#include "session/HealthMontage.h"
#include "vision/ImageIO.h"

namespace siamese::cli {
namespace {

struct CheckArgs {
  bool json = false;
  std::string montage;  ///< write the pairs as a montage here
  HealthOptions options;
};

void runCheck(const GalleryOptions& gallery, const CheckArgs& args) {
  auto session = gallery.session();
  auto model = session->model();
  const MatchThreshold threshold = session->threshold();
  const GalleryHealthReport report = checkGalleryHealth(session->gallery(), model->metadata().modelId,
                                                        distanceOf(*model), threshold.value, args.options);
  if (!args.montage.empty()) {
    saveImage(args.montage, renderHealthMontage(session->gallery(), report, threshold.value));
    if (!args.json) std::printf("montage of the pairs: %s\n", args.montage.c_str());
  }
  if (args.json) {
    std::printf("%s\n", report.toJson().c_str());
    return;
  }
  std::printf("%zu people, %zu photos, %zu embedded for model %s; threshold %.4f (%s)\n", report.people, report.photos,
              report.embedded, model->metadata().modelId.c_str(), threshold.value, threshold.source.c_str());
  if (report.findings.empty()) std::printf("no findings\n");
  for (const HealthFinding& f : report.findings) {
    std::printf("[%s] %s\n    → %s\n", f.kind.c_str(), f.message.c_str(), f.action.c_str());
  }
  if (!report.confusable.empty()) std::printf("most confusable pairs of people (nearest photos):\n");
  for (const ConfusablePair& c : report.confusable) {
    std::printf("  %s / %s: %.3f (photos %lld, %lld)%s\n", c.nameA.c_str(), c.nameB.c_str(), c.distance,
                static_cast<long long>(c.photoA), static_cast<long long>(c.photoB),
                c.withinThreshold ? "  WITHIN THE THRESHOLD: add varied photos of both" : "");
  }
}

}  // namespace

void addGalleryCheckCommand(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = gallery.add_subcommand(
      "check", "The gallery's health: mislabelled photos, duplicates, people with too few photos, missing embeddings");
  cmd->add_flag("--json", args->json, "Print the findings as JSON");
  cmd->add_option("--montage", args->montage,
                  "Write the pairs found (mislabelled, near-duplicates, confusable people) as a montage PNG");
  cmd->add_option("--min-photos", args->options.minPhotos, "Fewer photos than this is a finding")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--pairs", args->options.confusablePairs, "Confusable pairs of people to list")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->callback([options, args] { runCheck(*options, *args); });
}

}  // namespace siamese::cli
