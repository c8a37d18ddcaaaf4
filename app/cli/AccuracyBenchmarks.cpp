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

/// A result that could not be measured, saying why and what to do.
BenchmarkResult notMeasured(const std::string& why) {
  BenchmarkResult r;
  r.notes = why;
  return r;
}

/// A measured result: the headline fraction and the model that earned it.
BenchmarkResult measured(double fraction, const BundleMetadata& model, std::string notes) {
  BenchmarkResult r;
  r.measured = true;
  r.value = fraction;
  r.result = percent(fraction);
  r.model = describeModel(model);
  r.notes = std::move(notes);
  return r;
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
  // Photos where HOG finds no face get a second look by dlib's CNN detector
  // when the shared data has it: a failed photo costs its pairs in LFW.
  PrepareOptions withSecondChance = options;
  const std::string mmod = in.data + "/models/mmod_human_face_detector.dat";
  const bool secondChance = options.detector.kind == DetectorKind::Hog && fs::exists(mmod);
  if (secondChance) {
    DetectorOptions cnn;
    cnn.kind = DetectorKind::Mmod;
    cnn.modelPath = mmod;
    withSecondChance.secondChance = cnn;
  }
  prepareWithProgress(openDataset(in.data + "/" + dataset), path, withSecondChance, /*retryFailures=*/secondChance);
  return path;
}

/// LFW prepared for a face model: every photo, detected and aligned as the
/// model's own crops were (one cache serves View 1 and the fold models).
std::string preparedLfwCache(const BenchmarkInputs& in, const BundleMetadata& model) {
  return prepareCache(in, "lfw/images", "lfw", prepareOptionsForModel(model));
}

/// LFW's View 2 under the fold-model protocol (`spec` as --fold-models),
/// run once per spec and kept for the rows that report other figures of it.
struct LfwFoldRun {
  LfwFoldModelsResult result;
  std::vector<BundleMetadata> models;
};

const LfwFoldRun& lfwFoldRun(const BenchmarkInputs& in, const std::string& spec) {
  static std::map<std::string, LfwFoldRun> runs;
  if (const auto found = runs.find(spec); found != runs.end()) return found->second;
  LfwFoldRun run;
  for (const FoldModel& m : parseFoldModels(spec)) run.models.push_back(readBundle(m.path).metadata);
  run.result = evaluateLfwFoldModels(preparedLfwCache(in, run.models.front()), in.data + "/lfw/pairs.txt", spec,
                                     /*allowSeen=*/false);
  return runs.emplace(spec, std::move(run)).first->second;
}

/// Why LFW View 2 cannot be run with `spec`, or "" when it can.
std::string lfwFoldsMissing(const BenchmarkInputs& in, const std::string& spec, const std::string& how) {
  const std::vector<FoldModel> foldModels = parseFoldModels(spec);
  if (foldModels.empty()) return "no fold models given";
  for (const FoldModel& m : foldModels) {
    if (missing(m.path)) return "no model " + m.path + ": " + how;
  }
  if (missing(in.data + "/lfw/pairs.txt")) return "no LFW pairs.txt in " + in.data + "/lfw";
  return {};
}

const char* kTrainFolds = "train them with `models/train-lfw-folds.sh`";

std::string towerFolds(const BenchmarkInputs& in) { return in.towerModel + ":1-10"; }

std::string describeModels(const std::vector<BundleMetadata>& models) {
  std::string text;
  for (std::size_t i = 0; i < models.size(); ++i) text += (i ? "; " : "") + describeModel(models[i]);
  return text;
}

BenchmarkResult lfwTenFold(const BenchmarkInputs& in, const std::string& spec, const std::string& how,
                           const std::string& protocolNote) {
  if (const std::string why = lfwFoldsMissing(in, spec, how); !why.empty()) return notMeasured(why);
  const LfwFoldRun& run = lfwFoldRun(in, spec);
  const LfwFoldModelsResult& r = run.result;
  BenchmarkResult out;
  out.measured = true;
  out.value = r.spread.mean;
  out.result = percent(r.spread.mean) + " ± " + percent(r.spread.standardDeviation);
  out.model = describeModels(run.models);
  out.notes = std::to_string(r.folds) + " folds, " + std::to_string(r.pairsScored) + " pairs scored (" +
              std::to_string(r.pairsSkipped) + " skipped: a photo without a detected face). " + protocolNote;
  return out;
}

BenchmarkResult lfwTar(const BenchmarkInputs& in, const std::string& spec, const std::string& how,
                       const std::string& protocolNote) {
  if (const std::string why = lfwFoldsMissing(in, spec, how); !why.empty()) return notMeasured(why);
  const LfwFoldRun& run = lfwFoldRun(in, spec);
  // TAR at a FAR needs one ranking: each model's own pairs are ranked
  // apart (two models' distances are not on one scale), then averaged.
  double tar1 = 0, tar01 = 0, auc = 0;
  for (const VerificationReport& v : run.result.pooled) {
    tar1 += v.atFar1e2.trueAcceptRate;
    tar01 += v.atFar1e3.trueAcceptRate;
    auc += v.auc;
  }
  const double n = double(run.result.pooled.size());
  BenchmarkResult out;
  out.measured = true;
  out.value = tar1 / n;
  out.result = percent(tar1 / n) + " / " + percent(tar01 / n);
  out.model = describeModels(run.models);
  char notes[160];
  std::snprintf(notes, sizeof notes, "ROC AUC %.4f. ", auc / n);
  out.notes = notes + protocolNote;
  return out;
}

BenchmarkResult lfwViewOne(const BenchmarkInputs& in, const std::string& modelPath) {
  const std::string pairsPath = in.data + "/lfw/pairsDevTest.txt";
  if (missing(modelPath)) return notMeasured("no face model at " + modelPath);
  if (missing(pairsPath)) return notMeasured("no LFW pairsDevTest.txt in " + in.data + "/lfw");
  auto embedder = Embedder::load(modelPath);
  const BundleMetadata& model = embedder->metadata();
  const FaceCache cache = loadFaceCache(preparedLfwCache(in, model));
  const LfwPairsFile file = readLfwPairs(pairsPath);
  const auto pairs = lfwProtocolPairs(file, 0, cache);
  refuseLeakage(model, peopleOfPairs(cache, pairs), /*allowSeen=*/false);
  const ScoredPairs scored = scorePairs(*embedder, embedWithProgress(*embedder, cache), pairs);
  const VerificationReport report = verificationReport(scored, model.threshold.value);
  char notes[240];
  std::snprintf(notes, sizeof notes, "AUC %.4f, EER %.1f%%, TAR %.1f%% at FAR 1%%; %zu of %zu pairs scored (the rest "
                "have a photo without a detected face); the model's own threshold %.4f",
                report.auc, 100 * report.eer.rate, 100 * report.atFar1e2.trueAcceptRate, scored.size(),
                file.pairCount(), model.threshold.value);
  return measured(report.accuracy, model, notes);
}

BenchmarkResult mnistPairs(const BenchmarkInputs& in) {
  if (missing(in.mnistModel)) {
    return notMeasured("no MNIST model at " + in.mnistModel + ": train one with `scripts/reproduce-mnist.sh`");
  }
  auto embedder = Embedder::load(in.mnistModel);
  const BundleMetadata& model = embedder->metadata();
  const FaceCache cache = loadFaceCache(prepareCache(in, "mnist", "mnist", prepareOptionsForModel(model)));
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
  char notes[200];
  std::snprintf(notes, sizeof notes, "%zu test pairs of images never trained on (AUC %.4f); MNIST's 10,000 test "
                "digits only, split by image as the seed project did", scored.size(), report.auc);
  return measured(report.accuracy, model, notes);
}

BenchmarkResult omniglotOneShot(const BenchmarkInputs& in) {
  const std::string runs = in.data + "/omniglot/one-shot-runs";
  if (missing(in.omniglotModel)) {
    return notMeasured("no Omniglot model at " + in.omniglotModel + ": train one with `scripts/reproduce-omniglot.sh`");
  }
  if (missing(runs)) return notMeasured("no Omniglot one-shot runs in " + runs);
  auto embedder = Embedder::load(in.omniglotModel);
  return measured(omniglotOneShotAccuracy(*embedder, runs), embedder->metadata(),
                  "20 runs × 20 queries (chance 5%); trained on the two small background sets (" +
                      std::to_string(embedder->metadata().training.people) +
                      " characters), where Koch et al. had the full background set (964)");
}

/// Closed-set identification with one reference photo per person.
BenchmarkResult identification(const BenchmarkInputs& in, const std::string& modelPath, const std::string& dataset,
                               DetectorKind detector, const std::string& detectorNote) {
  if (missing(modelPath)) return notMeasured("no face model at " + modelPath);
  if (missing(in.data + "/" + dataset)) return notMeasured("no " + dataset + " in " + in.data);
  auto embedder = Embedder::load(modelPath);
  const BundleMetadata& model = embedder->metadata();
  PrepareOptions options = prepareOptionsForModel(model);
  options.detector.kind = detector;
  const FaceCache cache = loadFaceCache(prepareCache(in, dataset, dataset, options));
  const std::set<std::string> people(cache.people().begin(), cache.people().end());
  refuseLeakage(model, people, /*allowSeen=*/false);
  const IdentificationReport r =
      identificationAccuracy(*embedder, cache, embedWithProgress(*embedder, cache), 1, /*seed=*/1);
  return measured(r.rank1, model,
                  std::to_string(r.people) + " people, " + std::to_string(r.probes) + " probes (chance " +
                      percent(r.people ? 1.0 / double(r.people) : 0) +
                      "); one reference photo per person, chosen with seed 1; " + detectorNote);
}

using Measure = std::function<BenchmarkResult(const BenchmarkInputs&)>;

struct BenchmarkDefinition {
  std::string benchmark, protocol, references;
  Measure own;
  Measure tower;  ///< empty: the tower does not apply (not faces)
};

const char* kOwnFoldNote =
    "Each fold is scored by the one of our two fold models that never saw its people, at a threshold chosen on that "
    "model's other folds.";
const char* kTowerFoldNote =
    "The tower never saw LFW's people (dlib-models README), so it scores all ten folds, each at a threshold chosen "
    "on the other nine.";
const char* kTowerHow = "import it with `siamese import` (scripts/setup.sh does)";

const std::map<std::string, BenchmarkDefinition>& definitions() {
  static const std::map<std::string, BenchmarkDefinition> table{
      {"lfw-10fold",
       {"LFW 10-fold (View 2)", "6,000 pairs of `pairs.txt`, mean ± std over the 10 folds, each fold's threshold "
        "chosen on other folds",
        "human 97.53% (Kumar et al. 2009); dlib's ResNet 99.38% (float weights); the CelebA seed project ~70% (its own "
        "CelebA pairs)",
        [](const BenchmarkInputs& in) { return lfwTenFold(in, in.foldModels, kTrainFolds, kOwnFoldNote); },
        [](const BenchmarkInputs& in) { return lfwTenFold(in, towerFolds(in), kTowerHow, kTowerFoldNote); }}},
      {"lfw-tar",
       {"LFW TAR at FAR 1% / 0.1% (View 2)", "true accepts at the distance where 1% (0.1%) of different pairs pass, "
        "over the same 6,000 pairs",
        "—",
        [](const BenchmarkInputs& in) {
          return lfwTar(in, in.foldModels, kTrainFolds,
                        "Each fold model ranks its own 3,000 pairs; the two rates are averaged.");
        },
        [](const BenchmarkInputs& in) { return lfwTar(in, towerFolds(in), kTowerHow, "All 6,000 pairs ranked at once."); }}},
      {"lfw-view1",
       {"LFW View 1 test pairs", "1,000 pairs of `pairsDevTest.txt` (people never trained on), the model's own threshold",
        "no published figure (View 1 is LFW's development view)",
        [](const BenchmarkInputs& in) { return lfwViewOne(in, in.faceModel); },
        [](const BenchmarkInputs& in) { return lfwViewOne(in, in.towerModel); }}},
      {"mnist",
       {"MNIST pairs", "balanced pairs of the test images held out of training (split by image)",
        "the MNIST seed project 88%", mnistPairs, {}}},
      {"omniglot",
       {"Omniglot 20-way one-shot", "the 20 standard runs of Lake et al.: nearest of 20 references",
        "Koch et al. 92.0% (full background set)", omniglotOneShot, {}}},
      {"celeb13",
       {"celeb13 identification", "rank-1, one reference photo per person, every other photo a probe",
        "the Koch/Keras seed project trained on celeb13 itself; no held-out figure to compare",
        [](const BenchmarkInputs& in) {
          return identification(in, in.faceModel, "celeb13", DetectorKind::None,
                                "celeb13's photos are ready-made face crops (no detection)");
        },
        [](const BenchmarkInputs& in) {
          return identification(in, in.towerModel, "celeb13", DetectorKind::None,
                                "celeb13's photos are ready-made grey face crops (no detection)");
        }}},
      {"att",
       {"AT&T identification", "rank-1, one reference photo per person, every other photo a probe", "—",
        [](const BenchmarkInputs& in) {
          return identification(in, in.faceModel, "att_faces", DetectorKind::Hog,
                                "faces found by dlib's HOG detector; photos without one are not probes");
        },
        [](const BenchmarkInputs& in) {
          return identification(in, in.towerModel, "att_faces", DetectorKind::Hog,
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
  static const std::vector<std::string> keys{"lfw-10fold", "lfw-tar", "lfw-view1", "mnist", "omniglot", "celeb13",
                                             "att"};
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
  std::printf("== %s: our model\n", d.benchmark.c_str());
  std::fflush(stdout);
  row.own = d.own(inputs);
  if (d.tower) {
    std::printf("== %s: face tower\n", d.benchmark.c_str());
    std::fflush(stdout);
    row.tower = d.tower(inputs);
  } else {
    row.tower.result = "n/a";
    row.tower.notes = "not a face benchmark";
  }
  return row;
}

namespace {

std::string cell(const BenchmarkResult& r) { return r.measured ? "**" + r.result + "**" : r.result; }

void details(std::ostringstream& md, const char* family, const BenchmarkResult& r) {
  if (r.result == "n/a") return;
  md << "- " << family << ": " << (r.measured ? r.result : "not measured");
  if (!r.model.empty()) md << ", model " << r.model;
  md << ". " << r.notes << "\n";
}

}  // namespace

std::string benchmarksMarkdown(const std::vector<BenchmarkRow>& rows, const std::string& command,
                               const std::string& machine) {
  std::ostringstream md;
  md << "# Benchmarks: accuracy\n\n"
     << "Written by `" << command << "` (" << machine << "). Rerun it to regenerate this file; do not edit it by "
     << "hand. Every figure is measured on people, characters or images the model never saw in training; "
     << "`siamese eval` refuses test sets whose people a model was trained on. Two model families: **our own** "
     << "networks, trained here from scratch (`models/`), and the **face tower**, dlib's pretrained face ResNet "
     << "imported from the face-api npm package by `siamese import` (the default model when present; "
     << "`models/FACE_TOWER_CARD.md`). Face photos are found by dlib's HOG detector, with dlib's CNN detector as a "
     << "second chance where HOG finds none (when the shared data has its model).\n\n"
     << "| benchmark | protocol | our own model | face tower | references |\n| --- | --- | --- | --- | --- |\n";
  for (const BenchmarkRow& r : rows) {
    md << "| " << escapeCell(r.benchmark) << " | " << escapeCell(r.protocol) << " | " << cell(r.own) << " | "
       << cell(r.tower) << " | " << escapeCell(r.references) << " |\n";
  }
  md << "\n## Details\n";
  for (const BenchmarkRow& r : rows) {
    md << "\n### " << r.benchmark << "\n\n";
    details(md, "our own model", r.own);
    details(md, "face tower", r.tower);
  }
  md << "\nOur models are in `models/` (see `models/MODEL_CARD.md`); each has a script that retrains it. The face "
        "tower is made by `scripts/fetch-face-tower.sh` (run by `scripts/setup.sh`).\n";
  return md.str();
}

}  // namespace siamese::cli
