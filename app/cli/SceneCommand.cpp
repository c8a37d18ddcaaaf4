// siamese scene: a test video made from portraits. Each photo's face walks
// through a generated room, two at a time, so the live pipeline can be
// tried, demonstrated and measured without a camera and with a known
// answer.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "CliSupport.h"
#include "Commands.h"
#include "common/Error.h"
#include "live/SyntheticScene.h"
#include "live/VideoFileWriter.h"
#include "vision/ImageIO.h"

namespace siamese::cli {

void addSceneCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> photos;
    std::string out, size = "640x480";
    int framesPerFace = 60;
    int faceSize = 220;
    double fps = 30;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("scene", "Make a test video in which the faces of portraits walk through a room");
  cmd->add_option("photos", args->photos, "Portraits (face in the middle, like LFW's)")->required();
  cmd->add_option("--out", args->out, "Video file to write (.mp4 or .avi)")->required();
  cmd->add_option("--size", args->size, "Frame size")->capture_default_str();
  cmd->add_option("--frames-per-face", args->framesPerFace, "Frames each face is on screen")->capture_default_str();
  cmd->add_option("--face-size", args->faceSize, "Side of each pasted portrait, px")->capture_default_str()->check(CLI::Range(16, 2048));
  cmd->add_option("--fps", args->fps, "Frames per second of the video")->capture_default_str();
  cmd->callback([args] {
    int width = 0, height = 0;
    parseSize(args->size, width, height, 4096, "--size");
    // Two lanes (left, right); a face per lane at a time, drifting down and
    // towards the middle, with a short gap between faces.
    std::vector<SceneActor> actors;
    const int slot = args->framesPerFace + args->framesPerFace / 10;
    for (std::size_t i = 0; i < args->photos.size(); ++i) {
      SceneActor actor;
      actor.photo = loadImage(args->photos[i]);
      actor.label = std::filesystem::path(args->photos[i]).stem().string();
      const bool left = i % 2 == 0;
      actor.fromX = left ? width * 0.25f : width * 0.75f;
      actor.toX = actor.fromX + (left ? 1.0f : -1.0f) * width * 0.06f;
      actor.fromY = height * 0.32f;
      actor.toY = height * 0.62f;
      actor.size = float(args->faceSize);
      actor.firstFrame = int(i / 2) * slot;
      actor.lastFrame = actor.firstFrame + args->framesPerFace - 1;
      actors.push_back(std::move(actor));
    }
    const int frames = actors.back().lastFrame + 1;
    const SyntheticScene scene(width, height, std::move(actors));
    VideoFileWriter writer(args->out, args->fps);
    for (int f = 0; f < frames; ++f) writer.write(scene.render(f));
    writer.close();
    std::printf("%d frames (%.1f s) of %dx%d with %zu faces written to %s\n", frames, frames / args->fps, width, height,
                args->photos.size(), args->out.c_str());
  });
}

}  // namespace siamese::cli
