// siamese eval: how good a model is, honestly. Pair lists, the LFW
// protocols, N-way one-shot tasks (sampled, or Omniglot's 20 standard
// runs) and identification; refuses test people the model was trained on.

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "data/PairCsv.h"
#include "eval/Protocols.h"
#include "gallery/Enrolment.h"
#include "prep/FacePreparer.h"
#include "render/Charts.h"
#include "vision/ImageIO.h"

namespace siamese::cli {
namespace {


void printReport(const VerificationReport& r, const std::string& what, const std::string& thresholdSource,
                 const ScoredPairs& scored, double far) {
  std::printf("%s: %zu pairs\n", what.c_str(), r.pairs);
  std::printf("  accuracy %.2f%% at %s %.4f\n", 100 * r.accuracy, thresholdSource.c_str(), r.threshold);
  std::printf("  AUC %.4f, EER %.2f%% (threshold %.4f)\n", r.auc, 100 * r.eer.rate, r.eer.threshold);
  std::printf("  TAR %.2f%% at FAR <= 1%%, TAR %.2f%% at FAR <= 0.1%%\n", 100 * r.atFar1e2.trueAcceptRate,
              100 * r.atFar1e3.trueAcceptRate);
  if (far > 0) {
    const RocPoint p = operatingPointAtFar(scored, far);
    std::printf("  TAR %.2f%% at FAR <= %g (threshold %.4f)\n", 100 * p.trueAcceptRate, far, p.threshold);
  }
  std::printf("  mean distance: same %.4f, different %.4f\n", r.meanSameDistance, r.meanDifferentDistance);
}

void writeCharts(const ScoredPairs& scored, double threshold, const std::string& rocPath, const std::string& histPath) {
  if (!rocPath.empty()) {
    Series roc{"ROC", {}, {}, chartColour(0)};
    for (const RocPoint& p : rocCurve(scored)) {
      roc.x.push_back(p.falseAcceptRate);
      roc.y.push_back(p.trueAcceptRate);
    }
    ChartOptions o;
    o.title = "ROC (AUC " + std::to_string(areaUnderCurve(scored)).substr(0, 6) + ")";
    o.xLabel = "false accept rate";
    o.yLabel = "true accept rate";
    o.xMin = 0;
    o.xMax = 1;
    o.yMin = 0;
    o.yMax = 1;
    saveImage(rocPath, renderLineChart({roc}, o));
    std::printf("  ROC curve: %s\n", rocPath.c_str());
  }
  if (!histPath.empty()) {
    Series same{"same person", {}, {}, chartColour(2)}, different{"different people", {}, {}, chartColour(3)};
    for (std::size_t i = 0; i < scored.size(); ++i) (scored.same[i] ? same : different).x.push_back(scored.distances[i]);
    ChartOptions o;
    o.title = "Distances of same and different pairs";
    o.xLabel = "distance";
    o.yLabel = "fraction of pairs";
    o.markerX = threshold;
    o.markerLabel = "threshold";
    saveImage(histPath, renderHistogram({same, different}, 40, o));
    std::printf("  distance histogram: %s\n", histPath.c_str());
  }
}


}  // namespace

// Omniglot's 20 standard runs: 20 drawings of 20 characters as references,
// 20 test drawings, each to be matched to its character.
double omniglotOneShotAccuracy(Embedder& embedder, const std::string& runsDir) {
  if (embedder.metadata().input.alignedFaces) {
    throw Error("the Omniglot runs are drawings: they need a model trained on whole images, not a face model");
  }
  FaceEncoder encoder(embedder);  // whole images, resized as the model expects
  auto embedFile = [&](const std::string& path) {
    const EncodedPhoto encoded = encoder.encodePhoto(loadImage(path));
    if (!encoded.ok()) throw Error(path + ": " + encoded.prepared.failure);
    return *encoded.embedding;
  };
  double total = 0;
  int runs = 0;
  for (int run = 1; run <= 20; ++run) {
    char name[8];
    std::snprintf(name, sizeof name, "run%02d", run);
    const std::string labels = runsDir + "/" + name + "/class_labels.txt";
    requireRegularFile(labels);
    std::ifstream in(labels);
    if (!in) throw Error("cannot open " + labels);
    std::vector<std::pair<std::string, std::string>> items;
    for (std::string test, training; in >> test >> training;) items.emplace_back(test, training);
    // Embeddings: the reference drawings first (one per class), then the
    // test drawings; each test drawing is one 20-way task over the references.
    std::vector<Embedding> embeddings;
    std::vector<int> references;
    for (const auto& item : items) {
      references.push_back(int(embeddings.size()));
      embeddings.push_back(embedFile(runsDir + "/" + item.second));
    }
    std::vector<OneShotTask> tasks;
    for (std::size_t i = 0; i < items.size(); ++i) {
      tasks.push_back(OneShotTask{references, int(embeddings.size()), int(i)});
      embeddings.push_back(embedFile(runsDir + "/" + items[i].first));
    }
    const double accuracy = oneShotAccuracy(embedder, embeddings, tasks);
    const int right = int(std::lround(accuracy * double(items.size())));
    std::printf("  %s: %2d/%zu right\n", name, right, items.size());
    total += accuracy;
    ++runs;
  }
  std::printf("Omniglot 20-way one-shot over %d runs: %.2f%%\n", runs, 100 * total / runs);
  return total / runs;
}

std::vector<Embedding> embedWithProgress(Embedder& embedder, const FaceCache& cache) {
  ProgressBar bar("embed", "faces");
  auto embeddings = embedCache(embedder, cache, [&](const Progress& p) { bar.update(p); });
  bar.finish();
  return embeddings;
}

void refuseLeakage(const BundleMetadata& model, const std::set<std::string>& people, bool allowSeen) {
  const std::optional<std::string> leakage = leakageOf(model, people);
  if (!leakage) {
    std::printf("Leakage check: none of the %zu people evaluated was seen in training\n", people.size());
    return;
  }
  if (!allowSeen) throw Error(*leakage + ". Evaluate on other people, or pass --allow-seen to score anyway");
  std::printf("WARNING: %s. Scores below are NOT a fair test.\n", leakage->c_str());
}


namespace {

struct EvalArgs {
  std::string model, cache, pairs, lfwPairs, omniglotRuns, roc, histogram, distances, foldModels;
  std::string thresholdPairs, thresholdMethod = "best-accuracy";
  double far = 0;
  int nWay = 0, tasks = 400, references = 0;
  bool allowSeen = false;
  std::uint64_t seed = 1;
};

/// A model with the embeddings of every face of the test cache.
struct EmbeddedCache {
  Embedder& embedder;
  const FaceCache& cache;
  const std::vector<Embedding>& embeddings;
};

struct EvalThreshold {
  double value = 0;
  std::string source;
};

// The model's own threshold, or one chosen on other (validation) pairs.
EvalThreshold evalThreshold(const EvalArgs& args, const EmbeddedCache& in) {
  if (args.thresholdPairs.empty()) return {in.embedder.metadata().threshold.value, "the model's threshold"};
  double targetFar = 1e-3;
  const ThresholdMethod method = parseThresholdMethod(args.thresholdMethod, &targetFar);
  const ScoredPairs chosenOn =
      scorePairs(in.embedder, in.embeddings, resolvePairs(readPairsCsv(args.thresholdPairs), in.cache, true));
  return {chooseThreshold(chosenOn, method, targetFar), "the threshold chosen by " +
                                                            thresholdMethodName(method, targetFar) + " on " +
                                                            std::to_string(chosenOn.size()) + " pairs of " +
                                                            args.thresholdPairs + ":"};
}

void evalPairList(const EvalArgs& args, const EmbeddedCache& in, const EvalThreshold& threshold) {
  const auto rows = readPairsCsv(args.pairs);
  const auto pairs = resolvePairs(rows, in.cache, true);
  refuseLeakage(in.embedder.metadata(), peopleOfPairs(in.cache, pairs), args.allowSeen);
  const ScoredPairs scored = scorePairs(in.embedder, in.embeddings, pairs);
  if (scored.size() < rows.size()) std::printf("  %zu pairs skipped: a photo is not in the cache\n", rows.size() - scored.size());
  printReport(verificationReport(scored, threshold.value), args.pairs, threshold.source, scored, args.far);
  writeCharts(scored, threshold.value, args.roc, args.histogram);
  if (args.distances.empty()) return;
  std::vector<PairRow> out;
  std::size_t k = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (pairs[i].a < 0 || pairs[i].b < 0) continue;
    out.push_back(rows[i]);
    out.back().distance = scored.distances[k++];
  }
  writePairRows(args.distances, out);
  std::printf("  distances: %s (montage them with --threshold %.4f)\n", args.distances.c_str(), threshold.value);
}

void evalLfwProtocol(const EvalArgs& args, const EmbeddedCache& in, const EvalThreshold& threshold) {
  const LfwPairsFile file = readLfwPairs(args.lfwPairs);
  std::vector<ScoredPairs> folds;
  std::set<std::string> people;
  std::size_t skipped = 0;
  for (std::size_t f = 0; f < file.folds.size(); ++f) {
    const auto pairs = lfwProtocolPairs(file, f, in.cache);
    for (const LfwPair& p : file.folds[f]) {
      people.insert(p.nameA);
      people.insert(p.nameB);
    }
    folds.push_back(scorePairs(in.embedder, in.embeddings, pairs));
    skipped += pairs.size() - folds.back().size();
  }
  refuseLeakage(in.embedder.metadata(), people, args.allowSeen);
  if (skipped) std::printf("  %zu of %zu pairs skipped: a photo had no detectable face\n", skipped, file.pairCount());
  ScoredPairs all;
  for (const auto& fold : folds)
    for (std::size_t i = 0; i < fold.size(); ++i) all.add(fold.distances[i], fold.same[i]);
  if (folds.size() > 1) {
    const FoldResult r = crossValidatedAccuracy(folds);
    std::printf("LFW %zu-fold protocol (threshold chosen on the other folds): %.2f%% +- %.2f%%\n", folds.size(),
                100 * r.mean, 100 * r.standardDeviation);
  }
  printReport(verificationReport(all, threshold.value), args.lfwPairs, threshold.source, all, args.far);
  writeCharts(all, threshold.value, args.roc, args.histogram);
}

// Sampled N-way one-shot tasks and closed-set identification on the cache's people.
void evalPeople(const EvalArgs& args, const EmbeddedCache& in) {
  const std::set<std::string> people(in.cache.people().begin(), in.cache.people().end());
  refuseLeakage(in.embedder.metadata(), people, args.allowSeen);
  if (args.nWay > 0) {
    const auto tasks = sampleOneShotTasks(in.cache, args.nWay, args.tasks, args.seed);
    std::printf("%d-way one-shot, %d tasks: %.2f%% (chance %.2f%%)\n", args.nWay, args.tasks,
                100 * oneShotAccuracy(in.embedder, in.embeddings, tasks), 100.0 / args.nWay);
  }
  if (args.references > 0) {
    const auto r = identificationAccuracy(in.embedder, in.cache, in.embeddings, args.references, args.seed);
    std::printf("Identification with %d reference photo(s) per person: rank-1 %.2f%% over %zu probes of %zu people\n",
                args.references, 100 * r.rank1, r.probes, r.people);
  }
}

void runEval(const EvalArgs& args) {
  configureTorchThreads();
  if (!args.foldModels.empty()) {
    if (args.lfwPairs.empty() || args.cache.empty()) throw Error("--fold-models needs --lfw-pairs and --cache");
    evaluateLfwFoldModels(args.cache, args.lfwPairs, args.foldModels, args.allowSeen);
    return;
  }
  auto embedder = Embedder::load(args.model.empty() ? defaultModelPath() : args.model);
  const BundleMetadata& model = embedder->metadata();
  std::printf("Model %s (id %s, %s loss, threshold %.4f by %s) on %s\n",
              model.name.empty() ? "(unnamed)" : model.name.c_str(), model.modelId.c_str(),
              model.training.loss.c_str(), model.threshold.value, model.threshold.method.c_str(),
              embedder->deviceName().c_str());
  if (!args.omniglotRuns.empty()) {
    // The runs' characters come from the evaluation alphabets, never the background sets.
    omniglotOneShotAccuracy(*embedder, args.omniglotRuns);
    return;
  }
  if (args.cache.empty()) throw Error("--cache is needed (or --omniglot-runs)");
  const FaceCache cache = loadFaceCache(args.cache);
  const auto embeddings = embedWithProgress(*embedder, cache);
  const EmbeddedCache in{*embedder, cache, embeddings};
  const EvalThreshold threshold = evalThreshold(args, in);
  if (!args.pairs.empty()) evalPairList(args, in, threshold);
  if (!args.lfwPairs.empty()) evalLfwProtocol(args, in, threshold);
  if (args.nWay > 0 || args.references > 0) evalPeople(args, in);
}

}  // namespace

void addEvalCommand(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a model: pairs, LFW protocols, one-shot, identification");
  cmd->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  cmd->add_option("-c,--cache", args->cache, "Face cache holding the test photos");
  cmd->add_option("--pairs", args->pairs, "Pair list CSV to score");
  cmd->add_option("--lfw-pairs", args->lfwPairs, "LFW pairs.txt (10-fold protocol) or pairsDevTest.txt");
  cmd->add_option("--n-way", args->nWay, "Sampled N-way one-shot tasks from the cache's people");
  cmd->add_option("--tasks", args->tasks, "Number of N-way tasks")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--identify", args->references, "Identification with this many reference photos per person");
  cmd->add_option("--fold-models", args->foldModels,
                  "With --lfw-pairs: a model per group of folds it never saw, e.g. a.siamese:1-5,b.siamese:6-10");
  cmd->add_option("--omniglot-runs", args->omniglotRuns, "Omniglot one-shot-runs folder (run01..run20)");
  cmd->add_flag("--allow-seen", args->allowSeen, "Score people the model was trained on (flagged as unfair)");
  cmd->add_option("--roc", args->roc, "Write the ROC curve to this PNG");
  cmd->add_option("--histogram", args->histogram, "Write the distance histograms to this PNG");
  cmd->add_option("--distances", args->distances, "Write the scored pairs with distances to this CSV");
  cmd->add_option("--seed", args->seed, "Seed for sampled tasks and reference choice")->capture_default_str();
  cmd->add_option("--far", args->far, "Also report the true-accept rate at this false-accept rate");
  cmd->add_option("--threshold-pairs", args->thresholdPairs,
                  "Choose the threshold on these (validation) pairs instead of using the model's");
  cmd->add_option("--threshold-method", args->thresholdMethod, "With --threshold-pairs: midpoint, best-accuracy, eer, far=<rate>")
      ->capture_default_str();
  cmd->callback([args] { runEval(*args); });
}

}  // namespace siamese::cli
