#pragma once
// The accuracy benchmarks behind `siamese bench accuracy` and BENCHMARKS.md:
// each measures one published protocol with a shipped model and says, when
// it cannot, why (a missing model or data set) instead of failing the rest.

#include <string>
#include <vector>

namespace siamese::cli {

/// Where the benchmarks find their inputs and keep their prepared caches.
struct BenchmarkInputs {
  std::string data;          ///< ../shared/data or $SIAMESE_DATA
  std::string work;          ///< prepared face caches (resumable)
  std::string faceModel;     ///< the default model (View 1, celeb13, AT&T)
  std::string foldModels;    ///< "a.siamese:1-5,b.siamese:6-10" for LFW 10-fold
  std::string mnistModel;
  std::string omniglotModel;
};

struct BenchmarkRow {
  std::string key;         ///< lfw-10fold, lfw-view1, mnist, omniglot, celeb13, att
  std::string benchmark;   ///< what is measured, for the table
  std::string protocol;
  std::string result;      ///< e.g. "83.10% ± 1.52%", or "not measured"
  std::string model;       ///< name and id of the model(s) scored
  std::string references;  ///< published figures to compare with
  std::string notes;       ///< counts, skipped photos, why not measured
  bool measured = false;
  double value = 0;        ///< the headline figure as a fraction, when measured
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
