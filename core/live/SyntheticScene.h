#pragma once
/// \file SyntheticScene.h
/// A generated video with known ground truth: face photos composited onto
/// a textured background, each moving along a straight line during its own
/// time window. Tests, benchmarks and demos use it where no camera is at
/// hand and where the right answer must be known frame by frame.

#include <string>
#include <vector>

#include "common/Image.h"
#include "vision/FaceDetector.h"

namespace siamese {

struct SceneActor {
  Image photo;            ///< a portrait with the face in its centre (LFW-like), BGR
  std::string label;      ///< ground truth: a name, or "unknown"
  float fromX = 0, fromY = 0;  ///< patch centre at firstFrame, px
  float toX = 0, toY = 0;      ///< patch centre at lastFrame, px
  float size = 160;       ///< side of the pasted patch, px
  int firstFrame = 0;
  int lastFrame = 0;      ///< inclusive
};

class SyntheticScene {
 public:
  SyntheticScene(int width, int height, std::vector<SceneActor> actors, unsigned seed = 1);

  /// The frame, BGR, with every actor visible at `frame` pasted in.
  Image render(int frame) const;
  bool visible(std::size_t actor, int frame) const;
  /// Where the actor's patch is at `frame`.
  FaceBox patchBox(std::size_t actor, int frame) const;

  const std::vector<SceneActor>& actors() const { return m_actors; }
  int width() const { return m_width; }
  int height() const { return m_height; }

 private:
  int m_width;
  int m_height;
  std::vector<SceneActor> m_actors;
  std::vector<Image> m_patches;  ///< the central part of each photo, feathered
  Image m_background;
  unsigned m_seed;
};

}  // namespace siamese
