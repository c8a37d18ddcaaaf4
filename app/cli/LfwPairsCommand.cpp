// siamese lfw-pairs: the LFW protocol files as pair lists.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "common/Error.h"
#include "data/LfwPairs.h"
#include "data/PairCsv.h"

namespace siamese::cli {

void addLfwPairsCommand(CLI::App& app) {
  struct Args {
    std::string pairsFile, images, out = "lfw-pairs.csv";
    int fold = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("lfw-pairs", "Convert LFW pairs.txt / pairsDev*.txt into a pair list CSV");
  cmd->add_option("pairs-file", args->pairsFile, "LFW pairs.txt, pairsDevTrain.txt or pairsDevTest.txt")->required();
  cmd->add_option("--images", args->images, "LFW images folder (default: 'images' beside the pairs file)");
  cmd->add_option("-o,--out", args->out, "CSV to write")->capture_default_str();
  cmd->add_option("--fold", args->fold, "Only this fold (1-10 for pairs.txt; 0: all)")->capture_default_str();
  cmd->callback([args] {
    const LfwPairsFile file = readLfwPairs(args->pairsFile);
    const std::string images = args->images.empty()
                                   ? (std::filesystem::path(args->pairsFile).parent_path() / "images").string()
                                   : args->images;
    if (args->fold < 0 || args->fold > int(file.folds.size())) {
      throw Error("--fold must be between 1 and " + std::to_string(file.folds.size()) + " (or 0 for all)");
    }
    std::vector<PairRow> rows;
    for (std::size_t f = 0; f < file.folds.size(); ++f) {
      if (args->fold && int(f) + 1 != args->fold) continue;
      for (const LfwPair& p : file.folds[f]) {
        rows.push_back(PairRow{lfwImagePath(images, p.nameA, p.numberA), lfwImagePath(images, p.nameB, p.numberB),
                               p.same, p.nameA, p.nameB, std::nullopt});
      }
    }
    writePairRows(args->out, rows);
    std::printf("%zu folds, %zu pairs read; %zu written to %s\n", file.folds.size(), file.pairCount(), rows.size(),
                args->out.c_str());
  });
}

}  // namespace siamese::cli
