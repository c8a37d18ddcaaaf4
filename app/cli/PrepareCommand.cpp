// siamese prepare: a data set of photos → a face cache of aligned crops.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "prep/FacePreparer.h"

namespace siamese::cli {

PrepareSummary prepareWithProgress(const Dataset& dataset, const std::string& cachePath,
                                   const PrepareOptions& options, bool retryFailures) {
  const auto counts = dataset.countsPerPerson();
  std::printf("Data set %s (%s): %zu photos of %zu %s\n", dataset.root.c_str(),
              datasetFormatName(dataset.format).c_str(), dataset.samples.size(), dataset.people.size(),
              dataset.facePhotos ? "people" : "classes");
  std::fflush(stdout);
  ProgressBar bar("prepare");
  const PrepareSummary s = prepareDataset(dataset, cachePath, options, retryFailures,
                                          [&](const Progress& p) { bar.update(p); }, &interruptToken());
  bar.finish();
  if (s.alreadyDone) std::printf("  %zu photos were already in the cache (skipped)\n", s.alreadyDone);
  std::printf("  processed %zu photos in %.1f s: %.1f photos/s\n", s.processed, s.seconds, s.photosPerSecond);
  if (dataset.facePhotos) {
    std::printf("  aligned %zu, unaligned fallback crops %zu, failed %zu; %zu photos showed several faces\n",
                s.aligned, s.unaligned, s.failed, s.severalFaces);
  } else {
    std::printf("  resized %zu whole images, failed %zu\n", s.aligned, s.failed);
  }
  if (s.stopped) std::printf("  stopped early: run the same command again to resume\n");
  std::printf("  cache: %s\n", cachePath.c_str());
  if (s.failed) std::printf("  list the failures with: siamese cache-info %s --failures\n", cachePath.c_str());
  return s;
}

void addPrepareCommand(CLI::App& app) {
  struct Args {
    std::string dataset, out = "faces.cache", format = "auto", identities, pattern, detector = "hog";
    std::string mmodModel, landmarks, multiFace = "central", align = "template";
    int crop = 112, minFace = 40, maxDetectSide = 0, threads = 0, minPhotos = 1, maxPhotos = 0;
    float padding = 0.1f;
    bool colour = false, retryFailed = false, overwrite = false, noBorderRetry = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("prepare", "Detect and align every photo of a data set into a face cache");
  cmd->add_option("dataset", args->dataset, "Data set folder (LFW-style tree, AT&T, Yale, Omniglot, MNIST...)")
      ->required();
  cmd->add_option("-o,--out", args->out, "Face cache file to write or resume")->capture_default_str();
  cmd->add_option("--format", args->format, "auto, folders, pattern, omniglot, mnist, identity-list")
      ->capture_default_str();
  cmd->add_option("--identities", args->identities, "Identity list ('image identity' lines, CelebA style)");
  cmd->add_option("--pattern", args->pattern, "Regex whose first group is the identity (default: Yale's subjectNN)");
  cmd->add_option("--detector", args->detector, "hog, haar, mmod or none (photos are face crops)")
      ->capture_default_str();
  cmd->add_option("--mmod-model", args->mmodModel, "dlib MMOD model file for --detector mmod");
  cmd->add_option("--landmarks", args->landmarks, "dlib 68-point landmark model (default from libdlib-data)");
  cmd->add_option("--crop", args->crop, "Crop size in pixels (e.g. 64, 96, 112, 150)")
      ->capture_default_str()
      ->check(CLI::Range(16, 1024));
  cmd->add_flag("--colour,--color", args->colour, "Keep colour (default: grey crops)");
  cmd->add_option("--padding", args->padding, "Context around the face template, fraction of the crop")
      ->capture_default_str()
      ->check(finiteNumber())
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--align", args->align,
                  "template (five points onto a fixed template) or dlib-chip (dlib's chip, as the face tower "
                  "expects: use --crop 150 --colour --padding 0.25)")
      ->capture_default_str();
  cmd->add_option("--min-face", args->minFace, "Smallest face to detect, px")->capture_default_str()->check(CLI::Range(8, 4096));
  cmd->add_option("--max-detect-side", args->maxDetectSide, "Detect on a copy downscaled to this longer side (0: off)")
      ->check(CLI::Range(0, 20000));
  cmd->add_option("--multi-face", args->multiFace, "Photo with several faces: central, largest or refuse")
      ->capture_default_str();
  cmd->add_flag("--no-border-retry", args->noBorderRetry, "Do not retry detection on a padded copy");
  cmd->add_option("--threads", args->threads, "Worker threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 256));
  cmd->add_option("--min-photos", args->minPhotos, "Leave out people with fewer photos")->capture_default_str();
  cmd->add_option("--max-photos", args->maxPhotos, "Keep at most this many photos per person (0: all)");
  cmd->add_flag("--retry-failed", args->retryFailed, "Try again the photos that failed in an earlier run");
  cmd->add_flag("--overwrite", args->overwrite, "Start the cache afresh instead of resuming");

  cmd->callback([args] {
    DatasetOptions datasetOptions;
    datasetOptions.format = parseDatasetFormat(args->format);
    datasetOptions.identityList = args->identities;
    if (!args->pattern.empty()) datasetOptions.namePattern = args->pattern;
    datasetOptions.minPhotosPerPerson = args->minPhotos;
    datasetOptions.maxPhotosPerPerson = args->maxPhotos;
    const Dataset dataset = openDataset(args->dataset, datasetOptions);
    reportSkippedEntries(dataset);

    PrepareOptions options;
    options.detector.kind = parseDetectorKind(args->detector);
    options.detector.modelPath = args->mmodModel;
    options.detector.minFaceSize = args->minFace;
    options.detector.maxDetectSide = args->maxDetectSide;
    options.align.cropSize = args->crop;
    options.align.colour = args->colour;
    options.align.padding = args->padding;
    options.align.method = parseAlignMethod(args->align);
    options.align.landmarkModelPath = args->landmarks;
    options.retryWithBorder = !args->noBorderRetry;
    options.threads = args->threads;
    if (args->multiFace == "central") options.multiFace = MultiFacePolicy::MostCentral;
    else if (args->multiFace == "largest") options.multiFace = MultiFacePolicy::Largest;
    else if (args->multiFace == "refuse") options.multiFace = MultiFacePolicy::Refuse;
    else throw Error("--multi-face must be central, largest or refuse");

    if (args->overwrite) std::filesystem::remove(args->out);
    prepareWithProgress(dataset, args->out, options, args->retryFailed);
  });
}

}  // namespace siamese::cli
