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
void addIdentifyCommand(CLI::App& app);
void addLiveCommand(CLI::App& app);
void addServeCommand(CLI::App& app);
void addSceneCommand(CLI::App& app);
void addModelCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
/// `siamese bench training`, added under `bench`.
void addBenchTrainingCommand(CLI::App& bench);
/// `siamese bench embedding`, added under `bench`.
void addBenchEmbeddingCommand(CLI::App& bench);
/// `siamese bench adaptation`, added under `bench`.
void addBenchAdaptationCommand(CLI::App& bench);
void addImportCommand(CLI::App& app);

}  // namespace siamese::cli

// Helpers shared by commands (defined next to the command that owns them).
#include <array>
#include <set>
#include <string>
#include <vector>

#include "eval/Metrics.h"
#include "eval/LfwFoldModels.h"
#include "eval/ProtocolSelection.h"
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
/// `testPairs`, when given, gets the test pairs too (from the folder's
/// test.csv when it has one).
TrainData splitForTraining(const FaceCache& cache, const std::string& pairsDir, const PairOptions& pairOptions,
                           const std::string& writePairsTo, const std::set<std::string>& heldOut,
                           std::vector<Pair>* testPairs = nullptr);

/// Embeddings of every face of `cache` (embedCache) with a progress bar.
std::vector<std::vector<float>> embedWithProgress(Embedder& embedder, const FaceCache& cache);

/// Refuses (or with `allowSeen` flags) an evaluation of people the model
/// was trained on.
void refuseLeakage(const BundleMetadata& model, const std::set<std::string>& people, bool allowSeen);

/// LFW's k-fold protocol with a model per group of folds ("a.siamese:1-5,
/// b.siamese:6-10"): each model scores only its folds, each fold's
/// threshold is chosen on the model's other folds; prints every fold and
/// the mean ± standard deviation over all, and returns them (the protocol
/// itself is core/eval/LfwFoldModels).
LfwFoldModelsResult evaluateLfwFoldModels(const std::string& cachePath, const std::string& lfwPairs,
                                          const std::string& spec, bool allowSeen);

/// Omniglot's 20 standard 20-way one-shot runs (run01..run20 with
/// class_labels.txt): prints each run and returns the mean accuracy.
double omniglotOneShotAccuracy(Embedder& embedder, const std::string& runsDir);

/// Renders a montage of the pairs in `pairsCsv` and writes it to `outPng`.
void writeMontage(const FaceCache& cache, const std::string& pairsCsv, const std::string& outPng,
                  int columns, int rows, int faceSize, double threshold);

}  // namespace siamese::cli
