#include "AccuracyBenchmarks.h"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "data/PairBuilder.h"
#include "eval/Protocols.h"
#include "gallery/Enrolment.h"
#include "prep/FacePreparer.h"
#include "train/TrainConfig.h"

namespace fs = std::filesystem;

namespace siamese::cli {
namespace {

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100 * fraction);
  return text;
}

std::string describeModel(const BundleMetadata& m) {
  return "`" + (m.name.empty() ? std::string("unnamed") : m.name) + "` (id `" + m.modelId + "`)";
}

/// A row that could not be measured, saying why and what to do.
BenchmarkRow notMeasured(BenchmarkRow row, const std::string& why) {
  row.result = "not measured";
  row.notes = why;
  return row;
}

/// A measured row: the headline fraction and the model that earned it.
BenchmarkRow measured(BenchmarkRow row, double fraction, const BundleMetadata& model) {
  row.measured = true;
  row.value = fraction;
  row.result = percent(fraction);
  row.model = describeModel(model);
  return row;
}

bool missing(const std::string& path) { return path.empty() || !fs::exists(path); }

/// Prepares (or resumes) the face cache of a data set in the work folder,
/// named by the data set and crop size; returns the cache's path.
std::string prepareCache(const BenchmarkInputs& in, const std::string& dataset, const std::string& name,
                         const PrepareOptions& options) {
  // dlib chips are another crop than the template's, even at the same size.
  const std::string chip = options.align.method == AlignMethod::DlibChip ? "-chip" : "";
  const std::string path = in.work + "/" + name + "-" + std::to_string(options.align.cropSize) + chip + ".cache";
  fs::create_directories(in.work);
  prepareWithProgress(openDataset(in.data + "/" + dataset), path, options, /*retryFailures=*/false);
  return path;
}

/// LFW prepared for a face model: every photo, detected and aligned as the
/// model's own crops were (one cache serves View 1 and the fold models).
std::string preparedLfwCache(const BenchmarkInputs& in, const BundleMetadata& model) {
  return prepareCache(in, "lfw/images", "lfw", prepareOptionsForModel(model));
}

BenchmarkRow lfwTenFold(const BenchmarkInputs& in, BenchmarkRow row) {
  const std::vector<FoldModel> foldModels = parseFoldModels(in.foldModels);
  for (const FoldModel& m : foldModels) {
    if (missing(m.path)) return notMeasured(row, "no fold model " + m.path + ": train them with `models/train-lfw-folds.sh`");
  }
  if (foldModels.empty()) return notMeasured(row, "no fold models given");
  const std::string pairs = in.data + "/lfw/pairs.txt";
  if (missing(pairs)) return notMeasured(row, "no LFW pairs.txt in " + in.data + "/lfw");
  std::vector<BundleMetadata> models;
  for (const FoldModel& m : foldModels) models.push_back(readBundle(m.path).metadata);
  const LfwFoldModelsResult r =
      evaluateLfwFoldModels(preparedLfwCache(in, models.front()), pairs, in.foldModels, /*allowSeen=*/false);
  row.measured = true;
  row.value = r.spread.mean;
  row.result = percent(r.spread.mean) + " ± " + percent(r.spread.standardDeviation);
  for (std::size_t i = 0; i < models.size(); ++i) row.model += (i ? "; " : "") + describeModel(models[i]);
  row.notes = std::to_string(r.folds) + " folds, " + std::to_string(r.pairsScored) + " pairs scored (" +
              std::to_string(r.pairsSkipped) +
              " skipped: a photo without a detected face). Each fold is scored by the model that never saw its "
              "people, at a threshold chosen on that model's other folds.";
  return row;
}

BenchmarkRow lfwViewOne(const BenchmarkInputs& in, BenchmarkRow row) {
  const std::string pairsPath = in.data + "/lfw/pairsDevTest.txt";
  if (missing(in.faceModel)) return notMeasured(row, "no face model at " + in.faceModel);
  if (missing(pairsPath)) return notMeasured(row, "no LFW pairsDevTest.txt in " + in.data + "/lfw");
  auto embedder = Embedder::load(in.faceModel);
  const BundleMetadata& model = embedder->metadata();
  const FaceCache cache = FaceCache::load(preparedLfwCache(in, model));
  const LfwPairsFile file = readLfwPairs(pairsPath);
  const auto pairs = lfwProtocolPairs(file, 0, cache);
  refuseLeakage(model, peopleOfPairs(cache, pairs), /*allowSeen=*/false);
  const ScoredPairs scored = scorePairs(*embedder, embedWithProgress(*embedder, cache), pairs);
  const VerificationReport report = verificationReport(scored, model.threshold.value);
  row = measured(std::move(row), report.accuracy, model);
  char notes[200];
  std::snprintf(notes, sizeof notes, "AUC %.3f, EER %.1f%%; %zu of %zu pairs scored (the rest have a photo "
                "without a detected face); the model's own threshold %.4f",
                report.auc, 100 * report.eer.rate, scored.size(), file.pairCount(), model.threshold.value);
  row.notes = notes;
  return row;
}

BenchmarkRow mnistPairs(const BenchmarkInputs& in, BenchmarkRow row) {
  if (missing(in.mnistModel)) {
    return notMeasured(row, "no MNIST model at " + in.mnistModel + ": train one with `scripts/reproduce-mnist.sh`");
  }
  auto embedder = Embedder::load(in.mnistModel);
  const BundleMetadata& model = embedder->metadata();
  const FaceCache cache = FaceCache::load(prepareCache(in, "mnist", "mnist", prepareOptionsForModel(model)));
  // The split of scripts/reproduce-mnist.sh, rebuilt from the model's own
  // seed: half of each digit's images train, a tenth validate, the rest test.
  PairOptions options;
  options.seed = TrainConfig::fromJson(model.training.configJson).seed;
  options.fractions = {0.5, 0.1, 0.4};
  options.splitByPhoto = true;
  std::vector<int> personOfPhoto;
  for (const CachedFace& face : cache.faces()) personOfPhoto.push_back(face.person);
  const PairSet set = buildPairs(personOfPhoto, options);
  // Training saw exactly the train split's images; any other count means
  // the model was trained on another split, and its "test" pairs could hold
  // images it learned from.
  const std::size_t trainImages = set.photosOf[std::size_t(Split::Train)].size();
  if (int(trainImages) != model.training.photos) {
    throw Error("the MNIST model was trained on " + std::to_string(model.training.photos) +
                " images, not on the " + std::to_string(trainImages) +
                " of scripts/reproduce-mnist.sh's split: its test pairs cannot be rebuilt");
  }
  const ScoredPairs scored = scorePairs(*embedder, embedWithProgress(*embedder, cache), set[Split::Test]);
  const VerificationReport report = verificationReport(scored, model.threshold.value);
  row = measured(std::move(row), report.accuracy, model);
  char notes[200];
  std::snprintf(notes, sizeof notes, "%zu test pairs of images never trained on (AUC %.4f); MNIST's 10,000 test "
                "digits only, split by image as the seed project did", scored.size(), report.auc);
  row.notes = notes;
  return row;
}

BenchmarkRow omniglotOneShot(const BenchmarkInputs& in, BenchmarkRow row) {
  const std::string runs = in.data + "/omniglot/one-shot-runs";
  if (missing(in.omniglotModel)) {
    return notMeasured(row, "no Omniglot model at " + in.omniglotModel +
                                ": train one with `scripts/reproduce-omniglot.sh`");
  }
  if (missing(runs)) return notMeasured(row, "no Omniglot one-shot runs in " + runs);
  auto embedder = Embedder::load(in.omniglotModel);
  row = measured(std::move(row), omniglotOneShotAccuracy(*embedder, runs), embedder->metadata());
  row.notes = "20 runs × 20 queries (chance 5%); trained on the two small background sets (" +
              std::to_string(embedder->metadata().training.people) +
              " characters), where Koch et al. had the full background set (964)";
  return row;
}

/// Closed-set identification with one reference photo per person.
BenchmarkRow identification(const BenchmarkInputs& in, BenchmarkRow row, const std::string& dataset,
                            DetectorKind detector, const std::string& detectorNote) {
  if (missing(in.faceModel)) return notMeasured(row, "no face model at " + in.faceModel);
  if (missing(in.data + "/" + dataset)) return notMeasured(row, "no " + dataset + " in " + in.data);
  auto embedder = Embedder::load(in.faceModel);
  const BundleMetadata& model = embedder->metadata();
  PrepareOptions options = prepareOptionsForModel(model);
  options.detector.kind = detector;
  const FaceCache cache = FaceCache::load(prepareCache(in, dataset, dataset, options));
  const std::set<std::string> people(cache.people().begin(), cache.people().end());
  refuseLeakage(model, people, /*allowSeen=*/false);
  const IdentificationReport r =
      identificationAccuracy(*embedder, cache, embedWithProgress(*embedder, cache), 1, /*seed=*/1);
  row = measured(std::move(row), r.rank1, model);
  row.notes = std::to_string(r.people) + " people, " + std::to_string(r.probes) + " probes (chance " +
              percent(r.people ? 1.0 / double(r.people) : 0) + "); one reference photo per person, chosen with seed 1; " +
              detectorNote;
  return row;
}

struct BenchmarkDefinition {
  std::string benchmark, protocol, references;
  std::function<BenchmarkRow(const BenchmarkInputs&, BenchmarkRow)> measure;
};

const std::map<std::string, BenchmarkDefinition>& definitions() {
  static const std::map<std::string, BenchmarkDefinition> table{
      {"lfw-10fold",
       {"LFW 10-fold (View 2)", "6,000 pairs of `pairs.txt`, mean ± std over the 10 folds; two models, each trained without "
        "the people of the five folds it scores",
        "human 97.53% (Kumar et al. 2009); dlib's ResNet 99.38%; the CelebA seed project ~70% (its own CelebA pairs)",
        lfwTenFold}},
      {"lfw-view1",
       {"LFW View 1 test pairs", "1,000 pairs of `pairsDevTest.txt` (people never trained on), the model's own threshold",
        "no published figure (View 1 is LFW's development view)", lfwViewOne}},
      {"mnist",
       {"MNIST pairs", "balanced pairs of the test images held out of training (split by image)",
        "the MNIST seed project 88%", mnistPairs}},
      {"omniglot",
       {"Omniglot 20-way one-shot", "the 20 standard runs of Lake et al.: nearest of 20 references",
        "Koch et al. 92.0% (full background set)", omniglotOneShot}},
      {"celeb13",
       {"celeb13 identification", "rank-1, one reference photo per person, every other photo a probe",
        "the Koch/Keras seed project trained on celeb13 itself; no held-out figure to compare",
        [](const BenchmarkInputs& in, BenchmarkRow row) {
          return identification(in, std::move(row), "celeb13", DetectorKind::None,
                                "celeb13's photos are ready-made face crops (no detection)");
        }}},
      {"att",
       {"AT&T identification", "rank-1, one reference photo per person, every other photo a probe", "—",
        [](const BenchmarkInputs& in, BenchmarkRow row) {
          return identification(in, std::move(row), "att_faces", DetectorKind::Hog,
                                "faces found by dlib's HOG detector; photos without one are not probes");
        }}},
  };
  return table;
}

std::string escapeCell(std::string text) {
  for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) text.replace(at, 1, "\\|");
  return text;
}

}  // namespace

const std::vector<std::string>& benchmarkKeys() {
  static const std::vector<std::string> keys{"lfw-10fold", "lfw-view1", "mnist", "omniglot", "celeb13", "att"};
  return keys;
}

BenchmarkRow measureBenchmark(const std::string& key, const BenchmarkInputs& inputs) {
  const auto found = definitions().find(key);
  if (found == definitions().end()) {
    std::string known;
    for (const std::string& k : benchmarkKeys()) known += (known.empty() ? "" : ", ") + k;
    throw Error("unknown benchmark '" + key + "' (choose from " + known + ")");
  }
  const BenchmarkDefinition& d = found->second;
  BenchmarkRow row;
  row.key = key;
  row.benchmark = d.benchmark;
  row.protocol = d.protocol;
  row.references = d.references;
  std::printf("== %s\n", d.benchmark.c_str());
  std::fflush(stdout);
  return d.measure(inputs, std::move(row));
}

std::string benchmarksMarkdown(const std::vector<BenchmarkRow>& rows, const std::string& command,
                               const std::string& machine) {
  std::ostringstream md;
  md << "# Benchmarks: accuracy\n\n"
     << "Written by `" << command << "` (" << machine << "). Rerun it to regenerate this file; do not edit it by "
     << "hand. Every figure is measured on people, characters or images the model never saw in training; "
     << "`siamese eval` refuses test sets whose people a model was trained on.\n\n"
     << "| benchmark | protocol | Siamese Studio | references |\n| --- | --- | --- | --- |\n";
  for (const BenchmarkRow& r : rows) {
    md << "| " << escapeCell(r.benchmark) << " | " << escapeCell(r.protocol) << " | "
       << (r.measured ? "**" + r.result + "**" : r.result) << " | " << escapeCell(r.references) << " |\n";
  }
  md << "\n## Details\n";
  for (const BenchmarkRow& r : rows) {
    md << "\n### " << r.benchmark << "\n\n";
    if (!r.model.empty()) md << "- model: " << r.model << "\n";
    md << "- " << r.notes << "\n";
  }
  md << "\nThe models are in `models/` (see `models/MODEL_CARD.md`); each has a script that retrains it.\n";
  return md.str();
}

}  // namespace siamese::cli
