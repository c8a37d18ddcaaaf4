// siamese model: show a bundle's description, or change the settings that
// are not weights (name, mirror averaging, threshold, 8-bit or bfloat16 inference)
// without retraining.
// A changed embedding setting gives the bundle a new id, so galleries made
// with the old one are re-embedded rather than mismatched.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "eval/Int8CacheCalibration.h"
#include "eval/Protocols.h"
#include "nn/BFloat16Inference.h"
#include "nn/Embedder.h"
#include "nn/Int8Inference.h"
#include "nn/ModelBundle.h"

namespace siamese::cli {
namespace {

void printDescription(const BundleMetadata& m) {
  std::printf("name            %s\n", m.name.empty() ? "(unnamed)" : m.name.c_str());
  std::printf("model id        %s\n", m.modelId.c_str());
  std::printf("architecture    %s, %d blocks, %d filters, embedding %d%s\n", m.network.architecture.c_str(),
              m.network.blocks, m.network.filters, m.network.embeddingSize,
              m.network.hasProjection() ? (", through a " + m.network.projection + " projection").c_str() : "");
  std::printf("input           %d px (crops of %d px), %d channel(s), %s, mirror averaging %s\n", m.input.size,
              m.input.cropSize, m.input.channels, m.input.alignedFaces ? "aligned faces" : "whole images",
              m.input.mirrorAverage ? "on" : "off");
  if (m.input.alignedFaces) {
    std::printf("crop            %s alignment, padding %.2f, scaling %s\n", m.input.alignment.c_str(), m.input.padding,
                m.input.normalization.c_str());
  }
  std::printf("distance        %s, threshold %.4f (%s on %s)\n", m.distance.c_str(), m.threshold.value,
              m.threshold.method.c_str(), m.threshold.chosenOn.c_str());
  if (!m.training.initialisedFrom.empty()) std::printf("started from    %s\n", m.training.initialisedFrom.c_str());
  const bool trainedHere = m.source.empty() || !m.training.initialisedFrom.empty();
  if (trainedHere) {
    std::printf("trained on      %d people, %d photos (%s), %s loss, %d epochs\n", m.training.people,
                m.training.photos, m.training.dataset.c_str(), m.training.loss.c_str(), m.training.epochs);
  }
  if (!m.source.empty()) {
    if (!trainedHere) std::printf("trained         elsewhere: %s; %s\n", m.training.dataset.c_str(), m.training.loss.c_str());
    std::printf("origin          %s, version %s\n", m.source.origin.c_str(), m.source.version.c_str());
    std::printf("weights SHA-256 %s\n", m.source.sha256.c_str());
    std::printf("licence         %s\n", m.source.licence.c_str());
    std::printf("training data   %s\n", m.source.trainingData.c_str());
    std::printf("published       %s\n", m.source.reference.c_str());
  }
  if (!m.int8.empty()) {
    std::printf("inference       8-bit integers on the CPU, ranges %s of %d crops (%s)\n", m.int8.rangesFrom.c_str(),
                m.int8.crops, m.int8.calibratedOn.c_str());
  }
  if (m.bfloat16) std::printf("inference       bfloat16 on CPUs that compute it, else float32\n");
  for (const auto& [key, value] : m.metrics) std::printf("metric          %s = %.4f\n", key.c_str(), value);
}

bool parseOnOff(const std::string& text) {
  if (text == "on") return true;
  if (text == "off") return false;
  throw Error("--mirror-average takes on or off, not '" + text + "'");
}

}  // namespace

void addModelCommand(CLI::App& app) {
  struct Args {
    std::string model, out, name, mirror, cache, thresholdPairs, thresholdMethod = "best-accuracy", precision;
    std::size_t calibrationCrops = 512, checkCrops = 512;
    std::string calibrationRanges = "min-max";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("model",
                                     "Show a model bundle, or change its name, mirror averaging, threshold or precision");
  cmd->add_option("model", args->model, "Model bundle")->required();
  cmd->add_option("-o,--out", args->out, "Write the changed bundle here (default: replace the bundle)");
  cmd->add_option("--name", args->name, "New name");
  cmd->add_option("--mirror-average", args->mirror, "on: embed each crop with its mirror image and average; off");
  cmd->add_option("--threshold-pairs", args->thresholdPairs,
                  "Choose the threshold anew on these validation pairs (needs --cache), with the bundle's settings");
  cmd->add_option("--precision", args->precision,
                  "int8: embed in 8-bit integers on the CPU, calibrated on photos of --cache (a residual net of "
                  "ours); bfloat16: embed in bfloat16 on CPUs that compute it (AVX512_BF16), any network; "
                  "float32: neither")
      ->check(CLI::IsMember({"int8", "bfloat16", "float32"}));
  cmd->add_option("--calibration-crops", args->calibrationCrops,
                  "Photos --precision int8 measures (with --check-crops, at most three quarters of the cache's "
                  "photos of the people the model trained on)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--calibration-ranges", args->calibrationRanges,
                  "How each activation's range is chosen: min-max (all it took) or least-squares (clipping a few "
                  "outliers where that costs less error than coarser steps)")
      ->capture_default_str()
      ->check(CLI::IsMember({"min-max", "least-squares"}));
  cmd->add_option("--check-crops", args->checkCrops,
                  "Other photos on which --precision int8 compares its embeddings with float32's (0: none)")
      ->capture_default_str();
  cmd->add_option("-c,--cache", args->cache, "Face cache holding the photos of --threshold-pairs or the calibration");
  cmd->add_option("--threshold-method", args->thresholdMethod, "midpoint, best-accuracy, eer, far=<rate>")
      ->capture_default_str();
  cmd->callback([args] {
    BundleFile bundle = readBundle(args->model);
    const bool change =
        !args->name.empty() || !args->mirror.empty() || !args->thresholdPairs.empty() || !args->precision.empty();
    if (!change) {
      printDescription(bundle.metadata);
      return;
    }
    if (!args->thresholdPairs.empty() && args->cache.empty()) throw Error("--threshold-pairs needs --cache");
    if (args->precision == "int8" && args->cache.empty()) throw Error("--precision int8 needs --cache to calibrate on");
    const std::string out = args->out.empty() ? args->model : args->out;
    const std::string oldId = bundle.metadata.modelId;
    const bool oldMirror = bundle.metadata.input.mirrorAverage;
    if (!args->name.empty()) bundle.metadata.name = args->name;
    if (!args->mirror.empty()) bundle.metadata.input.mirrorAverage = parseOnOff(args->mirror);
    if (!args->precision.empty()) {
      bundle.metadata.int8 = {};
      bundle.metadata.bfloat16 = args->precision == "bfloat16";
    }
    if (bundle.metadata.bfloat16) {
      if (const std::string why = bfloat16Unsupported(); !why.empty()) {
        std::printf("note: on this machine the model embeds in float32: %s\n", why.c_str());
      }
    }
    if (args->precision == "int8") {
      // After the mirror setting: calibration embeds as the bundle will.
      configureTorchThreads();
      const FaceCache cache = loadFaceCache(args->cache);
      Int8CacheOptions options;
      options.calibrationCrops = args->calibrationCrops;
      options.checkCrops = args->checkCrops;
      options.ranges = parseInt8Ranges(args->calibrationRanges);
      const Int8CacheOutcome outcome = calibrateInt8OnCache(bundle, cache, options);
      bundle.metadata.int8 = outcome.calibration;
      // What the integers cost, seen before anything is scored.
      if (outcome.check) {
        std::printf("8-bit check     against float32, other photos of the same people: %s\n",
                    describeAgreement(*outcome.check).c_str());
      } else if (!outcome.noCheckReason.empty()) {
        std::printf("8-bit check     skipped: %s\n", outcome.noCheckReason.c_str());
      }
    }
    if (!args->thresholdPairs.empty()) {
      // Score the pairs with the changed settings: a threshold chosen on
      // embeddings made one way does not fit embeddings made another way.
      writeBundle(out, bundle);
      configureTorchThreads();
      auto embedder = Embedder::load(out);
      const FaceCache cache = loadFaceCache(args->cache);
      const auto pairs = resolvePairs(readPairsCsv(args->thresholdPairs), cache, true);
      refuseLeakage(bundle.metadata, peopleOfPairs(cache, pairs), /*allowSeen=*/false);
      const ScoredPairs scored = scorePairs(*embedder, embedCache(*embedder, cache), pairs);
      double targetFar = 1e-3;
      const ThresholdMethod method = parseThresholdMethod(args->thresholdMethod, &targetFar);
      bundle.metadata.threshold.value = chooseThreshold(scored, method, targetFar);
      bundle.metadata.threshold.method = thresholdMethodName(method, targetFar);
      bundle.metadata.threshold.chosenOn = std::to_string(scored.size()) + " pairs of " + args->thresholdPairs;
      bundle.metadata.metrics["validation_accuracy"] = accuracyAt(scored, bundle.metadata.threshold.value);
      bundle.metadata.metrics["validation_auc"] = areaUnderCurve(scored);
      bundle.metadata.metrics["validation_eer"] = equalErrorRate(scored).rate;
    }
    writeBundle(out, bundle);
    const std::string idNote = bundle.metadata.modelId == oldId ? "unchanged" : "was " + oldId;
    std::printf("wrote %s (model id %s, %s)\n", out.c_str(), bundle.metadata.modelId.c_str(), idNote.c_str());
    printDescription(bundle.metadata);
    if (bundle.metadata.input.mirrorAverage != oldMirror && args->thresholdPairs.empty()) {
      std::printf("note: the threshold %.4f was chosen on embeddings made %s mirror averaging; pass "
                  "--threshold-pairs and --cache to choose it anew\n",
                  bundle.metadata.threshold.value, oldMirror ? "with" : "without");
    }
  });
}

}  // namespace siamese::cli
