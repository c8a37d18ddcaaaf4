// siamese-engine: the engine's training and embedding benchmarks on their
// own, for a machine with a CUDA LibTorch but none of Debian's OpenCV, Qt,
// dlib or SQLite (the SIAMESE_ENGINE_ONLY build; scripts/gpu-check.sh). Its
// `bench training` and `bench embedding` are the full CLI's, the same code.

#include <CLI/CLI.hpp>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Version.h"

int main(int argc, char** argv) {
  CLI::App app{"Siamese Studio's engine alone: training and embedding throughput on this machine's CPU or GPU."};
  app.set_version_flag("--version", std::string("siamese-engine ") + siamese::kVersion);
  app.require_subcommand(1);
  CLI::App* bench = app.add_subcommand("bench", "Measure the engine");
  bench->require_subcommand(1);
  siamese::cli::addBenchTrainingCommand(*bench);
  siamese::cli::addBenchEmbeddingCommand(*bench);

  return siamese::cli::runCommandLine(app, argc, argv);
}
