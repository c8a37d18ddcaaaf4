#pragma once
/// \file ProtocolSelection.h
/// Which people and pairs an evaluation or a training run uses: split
/// fractions, fold lists, the people named in a pair list (to hold them out
/// of training), LFW's fold pairs in a face cache, models per group of
/// folds, and whether a model has seen any of the people scored. Shared by
/// the CLI, the benchmarks and (later) the app.

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "eval/Protocols.h"
#include "nn/ModelBundle.h"

namespace siamese {

struct LfwPairsFile;

/// Parses "0.7,0.15,0.15" (train, validation, test fractions of people).
/// throws Error otherwise.
std::array<double, 3> parseSplitFractions(const std::string& text);

/// Parses "1-5" or "1,3,6-8" into fold numbers. throws Error otherwise.
std::set<int> parseFoldList(const std::string& text);

/// Names of the people in a pair list: an LFW pairs file (only the folds
/// in `folds`, numbered from 1, when given) or a pair CSV.
std::set<std::string> peopleNamedIn(const std::string& pairsFile, const std::set<int>& folds = {});

/// One fold of an LFW pairs file as cache pairs (a = -1 / b = -1 where a
/// photo had no face).
std::vector<Pair> lfwProtocolPairs(const LfwPairsFile& file, std::size_t fold, const FaceCache& cache);

/// A model and the LFW folds (1-based) it scores.
struct FoldModel {
  std::string path;
  std::set<int> folds;
};
/// Parses "a.siamese:1-5,b.siamese:6-10" (fold lists may hold commas:
/// "a:1,3,5"). throws Error naming a malformed entry.
std::vector<FoldModel> parseFoldModels(const std::string& spec);

/// Why scoring `people` with `model` would be unfair (it was trained on
/// some of them), or nothing when none was seen in training.
std::optional<std::string> leakageOf(const BundleMetadata& model, const std::set<std::string>& people);

}  // namespace siamese
