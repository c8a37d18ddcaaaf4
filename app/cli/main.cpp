// siamese: the command-line face engine of Siamese Studio.

#include <CLI/CLI.hpp>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Version.h"

int main(int argc, char** argv) {
  CLI::App app{"Siamese Studio command line: prepare face data, build pairs, train and evaluate siamese networks."};
  app.set_version_flag("--version", std::string("siamese ") + siamese::kVersion);
  app.require_subcommand(1);

  siamese::cli::addDemoCommand(app);
  siamese::cli::addPrepareCommand(app);
  siamese::cli::addCacheInfoCommand(app);
  siamese::cli::addPairsCommand(app);
  siamese::cli::addMontageCommand(app);
  siamese::cli::addTrainCommand(app);
  siamese::cli::addEvalCommand(app);
  siamese::cli::addCompareCommand(app);
  siamese::cli::addModelCommand(app);
  siamese::cli::addBenchCommand(app);
  siamese::cli::addImportCommand(app);
  siamese::cli::addPlotCommand(app);
  siamese::cli::addTuneCommand(app);
  siamese::cli::addGalleryCommands(app);
  siamese::cli::addIdentifyCommand(app);
  siamese::cli::addLiveCommand(app);
  siamese::cli::addServeCommand(app);
  siamese::cli::addSceneCommand(app);
  siamese::cli::addLfwPairsCommand(app);
  siamese::cli::addDetectCommand(app);

  return siamese::cli::runCommandLine(app, argc, argv);
}
