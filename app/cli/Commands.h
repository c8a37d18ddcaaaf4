#pragma once
// Each CLI command registers itself on the application; main() only wires
// them together. Commands print results to stdout and progress/errors to
// stderr.

namespace CLI {
class App;
}

namespace siamese::cli {

void addPrepareCommand(CLI::App& app);
void addCacheInfoCommand(CLI::App& app);
void addPairsCommand(CLI::App& app);
void addMontageCommand(CLI::App& app);
void addLfwPairsCommand(CLI::App& app);
void addDetectCommand(CLI::App& app);
void addDemoCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
void addEvalCommand(CLI::App& app);
void addCompareCommand(CLI::App& app);
void addPlotCommand(CLI::App& app);
void addTuneCommand(CLI::App& app);
void addGalleryCommands(CLI::App& app);
void addLiveCommand(CLI::App& app);
void addSceneCommand(CLI::App& app);
void addModelCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
void addImportCommand(CLI::App& app);

}  // namespace siamese::cli

// Helpers shared by commands (defined next to the command that owns them).
#include <array>
#include <set>
#include <string>
#include <vector>

#include "eval/Metrics.h"
#include "eval/Protocols.h"

namespace siamese {
class Embedder;
struct Dataset;
struct PrepareOptions;
struct PrepareSummary;
struct PairOptions;
struct PairSet;
class FaceCache;
struct TrainData;
struct BundleMetadata;
struct LfwPairsFile;
struct Pair;
}  // namespace siamese

namespace siamese::cli {

/// Prepares with a progress bar and Ctrl-C support, then prints the summary.
PrepareSummary prepareWithProgress(const Dataset& dataset, const std::string& cachePath,
                                   const PrepareOptions& options, bool retryFailures);

/// Builds pairs, prints the checks, writes train/validation/test CSVs into
/// `outDir`. People named in `heldOut` are left out entirely. Returns the
/// pair set.
PairSet buildAndWritePairs(const FaceCache& cache, const PairOptions& options, const std::string& outDir,
                           const std::set<std::string>& heldOut = {});

/// Training data from a pairs folder (train.csv, validation.csv) or, when
/// `pairsDir` is empty, from splits built now (and written to `writePairsTo`).
TrainData splitForTraining(const FaceCache& cache, const std::string& pairsDir, const PairOptions& pairOptions,
                           const std::string& writePairsTo, const std::set<std::string>& heldOut);

/// Names of the people in a pair list: an LFW pairs file (only the folds
/// in `folds`, numbered from 1, when given) or a pair CSV.
std::set<std::string> peopleNamedIn(const std::string& pairsFile, const std::set<int>& folds = {});

/// Embeddings of every face of `cache` (embedCache) with a progress bar.
std::vector<std::vector<float>> embedWithProgress(Embedder& embedder, const FaceCache& cache);

/// Refuses (or with `allowSeen` flags) an evaluation of people the model
/// was trained on.
void refuseLeakage(const BundleMetadata& model, const std::set<std::string>& people, bool allowSeen);

/// One fold of an LFW pairs file as cache pairs (a = -1 / b = -1 where a
/// photo had no face).
std::vector<Pair> lfwProtocolPairs(const LfwPairsFile& file, std::size_t fold, const FaceCache& cache);

/// One entry of --fold-models: a model and the folds (1-based) it scores.
struct FoldModel {
  std::string path;
  std::set<int> folds;
};
/// Parses "a.siamese:1-5,b.siamese:6-10" (fold lists may hold commas:
/// "a:1,3,5"). throws Error naming a malformed entry.
std::vector<FoldModel> parseFoldModels(const std::string& spec);

/// LFW's k-fold protocol with a model per group of folds ("a.siamese:1-5,
/// b.siamese:6-10"): each model scores only its folds, each fold's
/// threshold is chosen on the model's other folds; prints every fold and
/// the mean ± standard deviation over all, and returns them.
struct LfwFoldModelsResult {
  MeanDeviation spread;               ///< over folds
  std::size_t folds = 0;
  std::size_t pairsScored = 0;
  std::size_t pairsSkipped = 0;       ///< a photo had no detectable face
  std::vector<std::string> modelIds;  ///< in the order given
  /// Per model, over all its folds' pairs pooled, at the model's own
  /// threshold: AUC and TAR at FAR 1% and 0.1%.
  std::vector<VerificationReport> pooled;
};
LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::string& spec, bool allowSeen);

/// Omniglot's 20 standard 20-way one-shot runs (run01..run20 with
/// class_labels.txt): prints each run and returns the mean accuracy.
double omniglotOneShotAccuracy(Embedder& embedder, const std::string& runsDir);

/// Parses "1-5" or "1,3,6-8" into fold numbers. throws Error otherwise.
std::set<int> parseFoldList(const std::string& text);

/// Parses "0.7,0.15,0.15" (train, validation, test fractions of people).
std::array<double, 3> parseSplitFractions(const std::string& text);

/// Renders a montage of the pairs in `pairsCsv` and writes it to `outPng`.
void writeMontage(const FaceCache& cache, const std::string& pairsCsv, const std::string& outPng,
                  int columns, int rows, int faceSize, double threshold);

}  // namespace siamese::cli
