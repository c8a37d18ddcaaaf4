// siamese detect: the faces in photos, their boxes, and whether the chosen
// face aligned. Handy to check a detector on one's own photos.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "Commands.h"
#include "common/Error.h"
#include "gallery/Enrolment.h"
#include "nn/ModelBundle.h"
#include "prep/FacePreparer.h"
#include "vision/ImageIO.h"

namespace siamese::cli {

void addDetectCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> photos;
    std::string detector = "hog", mmodModel, cropOut, model;
    int minFace = 40, crop = 112;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("detect", "Find and align the faces in photos");
  cmd->add_option("photos", args->photos, "Photo files")->required();
  cmd->add_option("--detector", args->detector, "hog, haar, mmod or none")->capture_default_str();
  cmd->add_option("--mmod-model", args->mmodModel, "dlib MMOD model file for --detector mmod");
  cmd->add_option("--min-face", args->minFace, "Smallest face, px")->capture_default_str()->check(CLI::Range(8, 4096));
  cmd->add_option("--crop", args->crop, "Crop size, px")->capture_default_str()->check(CLI::Range(16, 1024));
  cmd->add_option("--crop-out", args->cropOut,
                  "Write the chosen face's aligned crop to this PNG (or .ppm: raw pixels; one photo only)");
  cmd->add_option("-m,--model", args->model, "Crop as this model bundle expects (its size, alignment, colour)");
  cmd->callback([args] {
    PrepareOptions options;
    if (!args->model.empty()) options = prepareOptionsForModel(readBundle(args->model).metadata);
    options.detector.kind = parseDetectorKind(args->detector);
    options.detector.modelPath = args->mmodModel;
    options.detector.minFaceSize = args->minFace;
    if (args->model.empty()) {
      options.align.cropSize = args->crop;
      options.align.colour = true;
    }
    FacePreparer preparer(options, true);
    int failures = 0;
    for (const std::string& path : args->photos) {
      try {
        const Image photo = loadImage(path);
        const PreparedFace face = preparer.prepare(photo);
        std::printf("%s: %dx%d, %zu face(s)\n", path.c_str(), photo.width(), photo.height(), face.faces.size());
        for (const FaceBox& b : face.faces) {
          std::printf("  box x=%.0f y=%.0f w=%.0f h=%.0f score=%.2f\n", b.x, b.y, b.width, b.height, b.score);
        }
        if (!face.ok) {
          std::printf("  not usable: %s\n", face.failure.c_str());
          ++failures;
          continue;
        }
        std::printf("  chosen face: %s\n", face.face.aligned ? "landmark-aligned" : "box crop (landmarks implausible)");
        if (!args->cropOut.empty()) saveImage(args->cropOut, face.face.crop);
      } catch (const FileError& e) {
        std::printf("%s: cannot use: %s\n", path.c_str(), e.reason().c_str());
        ++failures;
      }
    }
    if (failures) throw Error(std::to_string(failures) + " of " + std::to_string(args->photos.size()) +
                              " photos gave no usable face");
  });
}

}  // namespace siamese::cli
