// siamese pairs: identity-disjoint splits of balanced same/different pairs.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "data/PairBuilder.h"
#include "data/PairCsv.h"

namespace siamese::cli {

std::array<double, 3> parseSplitFractions(const std::string& text) {
  std::array<double, 3> fractions{};
  std::stringstream in(text);
  std::string part;
  std::size_t i = 0;
  while (std::getline(in, part, ',')) {
    if (i >= 3) throw Error("--split takes three fractions: train,validation,test");
    try {
      fractions[i++] = std::stod(part);
    } catch (const std::exception&) {
      throw Error("--split: '" + part + "' is not a number");
    }
  }
  if (i != 3) throw Error("--split takes three fractions: train,validation,test (e.g. 0.7,0.15,0.15)");
  return fractions;
}

PairSet buildAndWritePairs(const FaceCache& cache, const PairOptions& options, const std::string& outDir,
                           const std::set<std::string>& heldOut) {
  std::vector<int> personOfPhoto;
  personOfPhoto.reserve(cache.size());
  std::size_t heldOutPhotos = 0;
  for (const CachedFace& face : cache.faces()) {
    const bool held = heldOut.count(cache.people()[std::size_t(face.person)]) > 0;
    personOfPhoto.push_back(held ? -1 : face.person);
    heldOutPhotos += held ? 1 : 0;
  }
  if (!heldOut.empty()) std::printf("Held out: %zu photos of people named in the hold-out list\n", heldOutPhotos);
  const PairSet set = buildPairs(personOfPhoto, options);

  std::printf("Pairs from %zu photos of %zu people (seed %llu, at least %d photos per person; %zu people left out)\n",
              cache.size(), cache.people().size(), static_cast<unsigned long long>(options.seed),
              options.minPhotosPerPerson, set.peopleSkipped);
  std::printf("  %-11s %7s %8s %8s %8s %8s %8s %7s %6s %6s\n", "split", "people", "photos", "used", "pairs",
              "same", "diff", "unique", "self", "label");
  for (std::size_t s = 0; s < 3; ++s) {
    const SplitReport& r = set.reports[s];
    const std::size_t pairs = set.splits[s].size();
    std::printf("  %-11s %7zu %8zu %8zu %8zu %8zu %8zu %7s %6zu %6s\n", splitName(Split(s)), r.people,
                r.photosAvailable, r.photosUsed, pairs, r.positives, r.negatives,
                r.uniquePairs == pairs ? "yes" : "NO", r.selfPairs, r.mislabelled ? "WRONG" : "ok");
    if (r.requested > pairs) {
      std::printf("    note: %zu pairs asked for; these people allow %zu balanced pairs\n", r.requested, pairs);
    }
  }
  std::printf(options.splitByPhoto ? "  label balance: %s; split by photo: every class is in every split (%zu)\n"
                                   : "  label balance: %s; people in more than one split: %zu\n",
              [&] {
                for (const auto& r : set.reports)
                  if (r.positives != r.negatives) return "UNBALANCED";
                return "exactly 50% same in every split";
              }(),
              set.peopleInTwoSplits);
  for (std::size_t s = 0; s < 3; ++s) {
    if (set.splits[s].empty()) continue;
    const std::string path = outDir + "/" + splitName(Split(s)) + ".csv";
    writePairsCsv(path, set.splits[s], cache);
    std::printf("  wrote %s\n", path.c_str());
  }
  return set;
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

void addPairsCommand(CLI::App& app) {
  struct Args {
    std::string cache, out = "pairs", split = "0.7,0.15,0.15";
    std::size_t pairs = 0, trainPairs = 0, validationPairs = 0, testPairs = 0;
    int minPhotos = 2;
    std::uint64_t seed = 42;
    bool splitByPhoto = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("pairs", "Build balanced same/different pairs in identity-disjoint splits");
  cmd->add_option("cache", args->cache, "Face cache made by 'siamese prepare'")->required();
  cmd->add_option("-o,--out", args->out, "Folder for train.csv, validation.csv, test.csv")->capture_default_str();
  cmd->add_option("--split", args->split, "Fractions of people: train,validation,test")->capture_default_str();
  cmd->add_option("--pairs", args->pairs, "Pairs per split (0: as many as balance allows, up to 20000)");
  cmd->add_option("--train-pairs", args->trainPairs, "Pairs in the train split (overrides --pairs)");
  cmd->add_option("--validation-pairs", args->validationPairs, "Pairs in the validation split");
  cmd->add_option("--test-pairs", args->testPairs, "Pairs in the test split");
  cmd->add_option("--min-photos", args->minPhotos, "Leave out people with fewer photos")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed (same seed, same pairs)")->capture_default_str();
  cmd->add_flag("--split-by-photo", args->splitByPhoto,
                "Split each class's photos instead of the classes (closed sets such as MNIST)");

  cmd->callback([args] {
    const FaceCache cache = FaceCache::load(args->cache);
    PairOptions options;
    options.fractions = parseSplitFractions(args->split);
    options.pairCounts = {args->trainPairs ? args->trainPairs : args->pairs,
                          args->validationPairs ? args->validationPairs : args->pairs,
                          args->testPairs ? args->testPairs : args->pairs};
    options.minPhotosPerPerson = args->minPhotos;
    options.seed = args->seed;
    options.splitByPhoto = args->splitByPhoto;
    buildAndWritePairs(cache, options, args->out);
  });
}

}  // namespace siamese::cli
