#include "eval/ProtocolSelection.h"

#include <fstream>
#include <sstream>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "data/LfwPairs.h"
#include "data/PairCsv.h"

namespace siamese {

std::array<double, 3> parseSplitFractions(const std::string& text) {
  std::array<double, 3> fractions{};
  std::stringstream in(text);
  std::string part;
  std::size_t i = 0;
  while (std::getline(in, part, ',')) {
    if (i >= 3) throw Error("a split takes three fractions: train,validation,test");
    try {
      fractions[i++] = std::stod(part);
    } catch (const std::exception&) {
      throw Error("split: '" + part + "' is not a number");
    }
  }
  if (i != 3) throw Error("a split takes three fractions: train,validation,test (e.g. 0.7,0.15,0.15)");
  return fractions;
}

std::set<int> parseFoldList(const std::string& text) {
  std::set<int> folds;
  std::stringstream parts(text);
  std::string part;
  try {
    while (std::getline(parts, part, ',')) {
      const auto dash = part.find('-');
      const int first = std::stoi(part.substr(0, dash));
      const int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
      if (first < 1 || last < first) throw std::invalid_argument("range");
      for (int f = first; f <= last; ++f) folds.insert(f);
    }
  } catch (const std::exception&) {
    throw Error("folds must look like 1-5 or 1,3,6-8, got '" + text + "'");
  }
  if (folds.empty()) throw Error("no folds given");
  return folds;
}

std::set<std::string> peopleNamedIn(const std::string& pairsFile, const std::set<int>& folds) {
  std::set<std::string> names;
  requireRegularFile(pairsFile);
  std::ifstream in(pairsFile);
  std::string firstLine;
  if (!in || !std::getline(in, firstLine)) throw Error("cannot read " + pairsFile);
  if (firstLine.rfind("source_a,", 0) == 0) {
    if (!folds.empty()) throw Error(pairsFile + " is a pair CSV; folds can only be chosen in an LFW pairs file");
    for (const PairRow& row : readPairsCsv(pairsFile)) {
      names.insert(row.personA);
      names.insert(row.personB);
    }
  } else {
    const LfwPairsFile file = readLfwPairs(pairsFile);
    for (int f : folds) {
      if (f < 1 || f > int(file.folds.size())) {
        throw Error(pairsFile + " has folds 1 to " + std::to_string(file.folds.size()) + ", not " + std::to_string(f));
      }
    }
    for (std::size_t f = 0; f < file.folds.size(); ++f) {
      if (!folds.empty() && !folds.count(int(f) + 1)) continue;
      for (const LfwPair& p : file.folds[f]) {
        names.insert(p.nameA);
        names.insert(p.nameB);
      }
    }
  }
  return names;
}

std::vector<Pair> lfwProtocolPairs(const LfwPairsFile& file, std::size_t fold, const FaceCache& cache) {
  std::vector<PairRow> rows;
  for (const LfwPair& p : file.folds[fold]) {
    rows.push_back(PairRow{lfwImagePath("", p.nameA, p.numberA), lfwImagePath("", p.nameB, p.numberB), p.same,
                           p.nameA, p.nameB, std::nullopt});
  }
  return resolvePairs(rows, cache, /*allowMissing=*/true);
}

std::vector<FoldModel> parseFoldModels(const std::string& spec) {
  std::vector<FoldModel> models;
  std::stringstream entries(spec);
  std::string entry;
  // Entries are separated by commas outside a fold list: "a:1-5,b:6-10"
  // splits at the comma before "b", so rejoin pieces without a colon.
  std::vector<std::string> pieces;
  while (std::getline(entries, entry, ',')) {
    if (entry.find(':') == std::string::npos && !pieces.empty()) {
      pieces.back() += "," + entry;
    } else {
      pieces.push_back(entry);
    }
  }
  for (const std::string& piece : pieces) {
    const auto colon = piece.rfind(':');
    if (colon == std::string::npos) throw Error("fold models look like model.siamese:1-5, got '" + piece + "'");
    models.push_back(FoldModel{piece.substr(0, colon), parseFoldList(piece.substr(colon + 1))});
  }
  return models;
}

std::optional<std::string> leakageOf(const BundleMetadata& model, const std::set<std::string>& people) {
  const auto seen = peopleSeenInTraining(model, people);
  if (seen.empty()) return std::nullopt;
  std::string examples;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, seen.size()); ++i) examples += (i ? ", " : "") + seen[i];
  return "the model was trained on " + std::to_string(seen.size()) + " of the " + std::to_string(people.size()) +
         " people evaluated (" + examples + (seen.size() > 3 ? ", ..." : "") + "); their scores would be inflated";
}

}  // namespace siamese
