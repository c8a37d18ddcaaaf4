// siamese gallery capture: guided enrolment from a camera, video file or
// image folder (EnrolmentGuide.h). Each frame is checked (one face, large
// enough, sharp, well exposed, its pose); refusals and newly kept poses are
// printed with what to do next, and the best frontal, turned-left and
// turned-right frames are enrolled at the end (or when all three are in).

#include <CLI/CLI.hpp>
#include <cstdio>

#include "CliSupport.h"
#include "GalleryCommands.h"
#include "common/Error.h"
#include "live/EnrolmentGuide.h"
#include "live/FrameSource.h"

namespace siamese::cli {
namespace {

struct CaptureArgs {
  std::string name, source;
  std::int64_t maxFrames = 0;
  bool untilComplete = false;
  GuideOptions guide;
};

void runCapture(const GalleryOptions& options, const CaptureArgs& args) {
  auto session = options.session(GalleryOpening::CreateIfMissing);
  EnrolmentGuide guide(*session->model(), args.guide);
  auto source = openFrameSource(args.source);
  CapturedFrame frame;
  std::string lastProblem;
  std::int64_t frames = 0;
  while (!interruptToken().stopRequested() && (args.maxFrames == 0 || frames < args.maxFrames) &&
         source->read(frame) == ReadStatus::Frame) {
    ++frames;
    const GuideVerdict v = guide.check(frame.image, frame.index);
    if (v.accepted) {
      std::printf("frame %lld: %s kept (sharpness %.0f, %d px, yaw %+.2f); next: %s\n",
                  static_cast<long long>(frame.index), headPoseName(*v.pose), v.sharpness, v.faceWidth, v.yaw,
                  guide.instruction().c_str());
    } else if (!v.usable && v.problem != lastProblem) {
      std::printf("frame %lld: %s\n", static_cast<long long>(frame.index), v.problem.c_str());
    }
    lastProblem = v.usable ? "" : v.problem;
    if (args.untilComplete && guide.complete()) break;
  }
  std::string missing;
  for (HeadPose pose : guide.missing()) missing += std::string(missing.empty() ? "" : ", ") + headPoseName(pose);
  std::printf("%lld frames checked; %zu of 3 poses kept%s\n", static_cast<long long>(frames), guide.captures().size(),
              missing.empty() ? "" : (" (missing: " + missing + ")").c_str());
  if (guide.captures().empty()) throw Error("no usable frame of " + args.name + " in " + args.source + "; nothing enrolled");
  const int added = guide.enrol(session->gallery(), args.name);
  session->galleryEdited();
  std::printf("%d photo(s) of %s enrolled\n", added, args.name.c_str());
}

}  // namespace

void addGalleryCaptureCommand(CLI::App& gallery, const SharedGalleryOptions& options) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = gallery.add_subcommand(
      "capture", "Guided enrolment from a camera, video or image folder: the best frontal and turned frames");
  cmd->add_option("name", args->name, "Person's name (created when new)")->required();
  cmd->add_option("--source", args->source, "Camera index or device, video file, or image folder")->required();
  cmd->add_option("--max-frames", args->maxFrames, "Stop after this many frames (0: until the source ends)")
      ->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  cmd->add_flag("--until-complete", args->untilComplete, "Stop as soon as all three poses are kept");
  cmd->add_option("--min-face", args->guide.minFaceWidth, "Smallest face width to accept, px")
      ->capture_default_str()
      ->check(CLI::Range(20, 4000));
  cmd->add_option("--min-sharpness", args->guide.minSharpness, "Least variance of the Laplacian of the face crop")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100000.0));
  cmd->callback([options, args] { runCapture(*options, *args); });
}

}  // namespace siamese::cli
