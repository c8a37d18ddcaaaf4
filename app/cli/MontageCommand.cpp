// siamese montage: a grid of pairs as one PNG, to check pairs by eye.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/FaceCache.h"
#include "data/PairCsv.h"
#include "render/Montage.h"
#include "vision/ImageIO.h"

namespace siamese::cli {

void writeMontage(const FaceCache& cache, const std::string& pairsCsv, const std::string& outPng, int columns,
                  int rows, int faceSize, double threshold) {
  const std::vector<PairRow> rowsIn = readPairsCsv(pairsCsv);
  const std::vector<Pair> resolved = resolvePairs(rowsIn, cache, /*allowMissing=*/true);

  // Alternate same and different pairs (in file order) so a grid of a
  // protocol file that lists all same pairs first still shows both kinds.
  std::vector<std::size_t> same, different;
  std::size_t missing = 0;
  for (std::size_t i = 0; i < rowsIn.size(); ++i) {
    if (resolved[i].a < 0 || resolved[i].b < 0) {
      ++missing;
      continue;
    }
    (rowsIn[i].same ? same : different).push_back(i);
  }
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < std::max(same.size(), different.size()); ++k) {
    if (k < same.size()) order.push_back(same[k]);
    if (k < different.size()) order.push_back(different[k]);
  }

  MontageOptions options;
  options.columns = columns;
  options.rows = rows;
  options.faceSize = faceSize;
  if (threshold > 0) options.threshold = threshold;
  std::vector<MontagePair> pairs;
  for (std::size_t i : order) {
    if (int(pairs.size()) >= columns * rows) break;
    const PairRow& row = rowsIn[i];
    MontagePair pair;
    pair.a = cache.crop(std::size_t(resolved[i].a));
    pair.b = cache.crop(std::size_t(resolved[i].b));
    pair.same = row.same;
    pair.caption = row.same ? row.personA : row.personA + " / " + row.personB;
    pair.distance = row.distance;
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty()) throw Error("no pair of " + pairsCsv + " has both photos in the face cache");
  saveImage(outPng, renderMontage(pairs, options));
  std::printf("Montage of %zu pairs written to %s", pairs.size(), outPng.c_str());
  if (missing) {
    std::printf(" (%zu pairs of %s skipped: a photo of each is not among the cache's faces; it failed in 'prepare', "
                "or the list is of another data set)", missing, pairsCsv.c_str());
  }
  std::printf("\n");
}

void addMontageCommand(CLI::App& app) {
  struct Args {
    std::string pairs, cache = "faces.cache", out = "montage.png", grid = "7x7";
    int faceSize = 96;
    double threshold = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("montage", "Render a grid of pairs as one PNG, labelled same/different");
  cmd->add_option("pairs", args->pairs, "Pair list CSV (from 'siamese pairs' or 'siamese lfw-pairs')")->required();
  cmd->add_option("-c,--cache", args->cache, "Face cache holding the photos")->capture_default_str();
  cmd->add_option("-o,--out", args->out, "PNG file to write")->capture_default_str();
  cmd->add_option("--grid", args->grid, "Columns x rows")->capture_default_str();
  cmd->add_option("--face-size", args->faceSize, "Size of each face in the grid, px")->capture_default_str()->check(CLI::Range(16, 1024));
  cmd->add_option("--threshold", args->threshold,
                  "With a distance column: colour each pair by the verdict distance < threshold");
  cmd->callback([args] {
    int columns = 0, rows = 0;
    parseGrid(args->grid, columns, rows);
    const FaceCache cache = loadFaceCache(args->cache);
    writeMontage(cache, args->pairs, args->out, columns, rows, args->faceSize, args->threshold);
  });
}

}  // namespace siamese::cli
