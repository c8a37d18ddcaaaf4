// siamese compare: are two photos the same person? Detect, align, embed
// both with the model's own settings, print the distance and the verdict.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "gallery/Enrolment.h"
#include "nn/Embedder.h"
#include "prep/FacePreparer.h"
#include "vision/ImageIO.h"

namespace siamese::cli {

void addCompareCommand(CLI::App& app) {
  struct Args {
    std::string a, b, model, detector = "hog";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("compare", "Tell whether two photos show the same person");
  cmd->add_option("photo-a", args->a, "First photo")->required();
  cmd->add_option("photo-b", args->b, "Second photo")->required();
  cmd->add_option("-m,--model", args->model, "Model bundle (default: the face tower when imported, else our own model)");
  cmd->add_option("--detector", args->detector, "hog, haar, mmod or none")->capture_default_str();
  cmd->callback([args] {
    configureTorchThreads();
    auto embedder = Embedder::load(args->model.empty() ? defaultModelPath() : args->model);
    const BundleMetadata& model = embedder->metadata();
    const DetectorKind detector = parseDetectorKind(args->detector);
    FaceEncoder encoder(*embedder, [detector](PrepareOptions& o) { o.detector.kind = detector; });
    std::vector<Embedding> embeddings;
    for (const std::string& path : {args->a, args->b}) {
      const EncodedPhoto encoded = encoder.encodePhoto(loadImage(path));
      if (!encoded.ok()) throw Error(path + ": " + encoded.prepared.failure);
      if (encoded.prepared.facesFound > 1) {
        std::printf("note: %s shows %d faces; comparing the most central one\n", path.c_str(),
                    encoded.prepared.facesFound);
      }
      embeddings.push_back(*encoded.embedding);
    }
    const double distance = encoder.distance(embeddings[0], embeddings[1]);
    const bool same = distance < model.threshold.value;
    std::printf("distance %.4f, threshold %.4f (%s): %s\n", distance, model.threshold.value,
                model.threshold.method.c_str(), same ? "SAME person" : "DIFFERENT people");
  });
}

}  // namespace siamese::cli
