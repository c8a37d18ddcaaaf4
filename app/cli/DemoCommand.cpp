// siamese demo: the engine end to end on the shared LFW data — prepare a
// slice of LFW into a face cache, build balanced identity-disjoint pairs,
// and render a montage to look at.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "data/FaceCache.h"
#include "data/PairBuilder.h"
#include "prep/FacePreparer.h"

namespace siamese::cli {

void addDemoCommand(CLI::App& app) {
  struct Args {
    std::string data, out = "demo-output";
    int minPhotos = 20, maxPhotos = 20;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the pipeline end to end on LFW: prepare, pairs, montage");
  cmd->add_option("--data", args->data, "Shared data folder (default: $SIAMESE_DATA or ../shared/data)");
  cmd->add_option("-o,--out", args->out, "Folder for the results")->capture_default_str();
  cmd->add_option("--min-photos", args->minPhotos, "Use LFW people with at least this many photos")
      ->capture_default_str();
  cmd->add_option("--max-photos", args->maxPhotos, "At most this many photos per person")->capture_default_str();
  cmd->callback([args] {
    const std::string data = args->data.empty() ? sharedDataDir() : args->data;
    const std::string lfw = data + "/lfw/images";
    if (!std::filesystem::is_directory(lfw)) {
      throw Error("LFW not found at " + lfw + "; pass --data <folder holding lfw/images> or set SIAMESE_DATA");
    }
    std::filesystem::create_directories(args->out);
    std::printf("== 1. Prepare: detect and align faces (dlib HOG + 68 landmarks)\n");
    DatasetOptions datasetOptions;
    datasetOptions.minPhotosPerPerson = args->minPhotos;
    datasetOptions.maxPhotosPerPerson = args->maxPhotos;
    const Dataset dataset = openDataset(lfw, datasetOptions);
    PrepareOptions prepareOptions;
    prepareOptions.align.colour = true;
    const std::string cachePath = args->out + "/lfw-faces.cache";
    prepareWithProgress(dataset, cachePath, prepareOptions, false);
    if (interruptToken().stopRequested()) return;

    std::printf("\n== 2. Pairs: identity-disjoint splits, 50%% same / 50%% different\n");
    const FaceCache cache = loadFaceCache(cachePath);
    PairOptions pairOptions;
    pairOptions.pairCounts = {4000, 1000, 1000};
    buildAndWritePairs(cache, pairOptions, args->out + "/pairs");

    std::printf("\n== 3. Montage of test pairs\n");
    writeMontage(cache, args->out + "/pairs/test.csv", args->out + "/montage-test.png", 7, 7, 96, 0);
    std::printf("\nDone. Look at %s/montage-test.png; inspect the cache with 'siamese cache-info %s'.\n",
                args->out.c_str(), cachePath.c_str());
  });
}

}  // namespace siamese::cli
