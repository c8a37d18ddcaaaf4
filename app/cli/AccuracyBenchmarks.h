#pragma once
// The accuracy benchmarks behind `siamese bench accuracy` and BENCHMARKS.md:
// each measures one published protocol with both model families (our own
// trained models, and the pretrained face tower) and says, when it cannot,
// why (a missing model or data set) instead of failing the rest.

#include <string>
#include <vector>

namespace siamese::cli {

/// Where the benchmarks find their inputs and keep their prepared caches.
struct BenchmarkInputs {
  std::string data;          ///< ../shared/data or $SIAMESE_DATA
  std::string work;          ///< prepared face caches (resumable)
  std::string faceModel;     ///< our own face model (View 1, celeb13, AT&T)
  std::string foldModels;    ///< our "a.siamese:1-5,b.siamese:6-10" for LFW 10-fold
  std::string towerModel;    ///< the imported face tower (every face row; all LFW folds)
  std::string mnistModel;
  std::string omniglotModel;
};

/// One model family's figure on one benchmark.
struct BenchmarkResult {
  std::string result = "not measured";  ///< e.g. "83.10% ± 1.52%"
  std::string model;       ///< name and id of the model(s) scored
  std::string notes;       ///< counts, skipped photos, why not measured
  bool measured = false;
  double value = 0;        ///< the headline figure as a fraction, when measured
};

struct BenchmarkRow {
  std::string key;         ///< lfw-10fold, lfw-view1, lfw-tar, mnist, omniglot, celeb13, att
  std::string benchmark;   ///< what is measured, for the table
  std::string protocol;
  std::string references;  ///< published figures to compare with
  BenchmarkResult own;     ///< our own trained model(s)
  BenchmarkResult tower;   ///< the pretrained face tower ("n/a" where it does not apply)
};

/// Every benchmark's key, in table order.
const std::vector<std::string>& benchmarkKeys();

/// Measures one benchmark (key from benchmarkKeys()). A missing model or
/// data set gives a row that is not measured and says why; other errors
/// (a corrupt model, a leak of test people into training) are thrown.
BenchmarkRow measureBenchmark(const std::string& key, const BenchmarkInputs& inputs);

/// The BENCHMARKS.md text: the table, per-row notes, and how it was made.
std::string benchmarksMarkdown(const std::vector<BenchmarkRow>& rows, const std::string& command,
                               const std::string& machine);

}  // namespace siamese::cli
