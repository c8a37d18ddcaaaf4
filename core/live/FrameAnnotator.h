#pragma once
/// \file FrameAnnotator.h
/// Draws a live result over its frame: a box per face (green: named, red:
/// unknown, amber: still deciding), the name with its distance and track
/// id, and optionally the frame rate and per-stage timings.

#include "common/Image.h"
#include "live/LiveRecognizer.h"

namespace siamese {

struct AnnotateOptions {
  bool showTimings = true;
  double framesPerSecond = 0;  ///< shown when > 0
};

/// Draws in place. requires: `frame` is BGR.
void annotateFrame(Image& frame, const LiveFrameResult& result, const AnnotateOptions& options = {});

}  // namespace siamese
