// siamese import: converts the pretrained face tower (dlib's face ResNet as
// the npm package @vladmandic/face-api ships it) into an ordinary model
// bundle, which then becomes the default model.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "common/DefaultPaths.h"
#include "common/Error.h"
#include "nn/FaceTowerImport.h"

namespace siamese::cli {

void addImportCommand(CLI::App& app) {
  struct Args {
    std::string manifest, out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Convert dlib's face ResNet from the face-api npm package into a model bundle (the default model)");
  cmd->add_option("--manifest", args->manifest,
                  "face_recognition_model-weights_manifest.json of the package (default: where scripts/setup.sh "
                  "unpacks it)");
  cmd->add_option("-o,--out", args->out, "Bundle to write (default: " + faceTowerPath() + ")");
  cmd->callback([args] {
    if (args->manifest.empty()) {
      args->manifest = faceApiPackageDir() + "/model/face_recognition_model-weights_manifest.json";
      if (!std::filesystem::exists(args->manifest)) {
        throw Error("the face-api package is not at " + faceApiPackageDir() + ": " + howToGetFaceTower());
      }
    }
    if (args->out.empty()) args->out = faceTowerPath();
    std::filesystem::create_directories(std::filesystem::path(args->out).parent_path());
    const BundleMetadata meta = importFaceApiTower(args->manifest, args->out);
    std::printf("imported %s\n", meta.name.c_str());
    std::printf("  from     %s %s (weights SHA-256 %s)\n", FaceApiPackage::kName, meta.source.version.c_str(),
                meta.source.sha256.c_str());
    std::printf("  licence  %s\n", meta.source.licence.c_str());
    std::printf("  model id %s, threshold %.2f, input %d px dlib chip\n", meta.modelId.c_str(), meta.threshold.value,
                meta.input.size);
    std::printf("  wrote    %s\n", args->out.c_str());
  });
}

}  // namespace siamese::cli
