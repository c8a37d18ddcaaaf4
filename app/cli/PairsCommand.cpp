// siamese pairs: identity-disjoint splits of balanced same/different pairs.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/CachePairs.h"
#include "data/FaceCache.h"
#include "data/LfwPairs.h"
#include "data/PairBuilder.h"
#include "data/PairCsv.h"

namespace siamese::cli {


PairSet buildAndWritePairs(const FaceCache& cache, const PairOptions& options, const std::string& outDir,
                           const std::set<std::string>& heldOut) {
  std::size_t heldOutPhotos = 0;
  const PairSet set = buildCachePairs(cache, options, heldOut, &heldOutPhotos);
  if (!heldOut.empty()) std::printf("Held out: %zu photos of people named in the hold-out list\n", heldOutPhotos);

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
  for (const std::string& path : writePairSplits(set, cache, outDir)) std::printf("  wrote %s\n", path.c_str());
  return set;
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
  cmd->add_option("--pairs", args->pairs, "Pairs per split (0: as many as balance allows, up to 20000)")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--train-pairs", args->trainPairs, "Pairs in the train split (overrides --pairs)")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--validation-pairs", args->validationPairs, "Pairs in the validation split")
      ->check(CLI::Range(0, 10000000));
  cmd->add_option("--test-pairs", args->testPairs, "Pairs in the test split");
  cmd->add_option("--min-photos", args->minPhotos, "Leave out people with fewer photos")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Random seed (same seed, same pairs)")->capture_default_str();
  cmd->add_flag("--split-by-photo", args->splitByPhoto,
                "Split each class's photos instead of the classes (closed sets such as MNIST)");

  cmd->callback([args] {
    const FaceCache cache = loadFaceCache(args->cache);
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
