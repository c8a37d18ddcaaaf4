#pragma once
/// \file LiveSession.h
/// Runs the live pipeline on two threads: capture reads the source into a
/// one-slot latest-frame buffer; processing takes the newest frame, runs
/// the recogniser and hands the result to the caller. A live source that
/// stops delivering is reopened a few times before the session gives up.

#include <functional>
#include <string>
#include <vector>

#include "common/Progress.h"
#include "live/FrameSource.h"
#include "live/LiveRecognizer.h"

namespace siamese {

struct LiveSessionOptions {
  int reconnectAttempts = 5;        ///< for a camera or stream that stops delivering
  double reconnectDelaySeconds = 1.0;
  std::int64_t maxFrames = 0;       ///< stop after this many processed frames (0: no limit)
};

struct LiveSessionCallbacks {
  /// Called on the processing thread for each processed frame; the frame
  /// may be drawn on.
  std::function<void(CapturedFrame&, const LiveFrameResult&)> onFrame;
  /// Status lines ("camera lost, reconnecting (1/5)", "end of video");
  /// called from the capture thread.
  std::function<void(const std::string&)> onStatus;
  /// Events of the tracks still open when the session ends.
  std::function<void(const std::vector<PresenceEvent>&)> onFinish;
};

struct LiveSessionStats {
  std::int64_t captured = 0;
  std::int64_t processed = 0;
  std::int64_t dropped = 0;  ///< stale frames overwritten before processing
  double seconds = 0;
  bool sourceLost = false;   ///< ended because the source did not come back
  double framesPerSecond() const { return seconds > 0 ? double(processed) / seconds : 0; }
};

/// Runs until the source ends, is lost for good, `stop` is set, or
/// maxFrames is reached. Rethrows an exception thrown by a callback or the
/// recogniser after both threads have ended.
LiveSessionStats runLiveSession(FrameSource& source, LiveRecognizer& recognizer, const LiveSessionCallbacks& callbacks,
                                const StopToken& stop, const LiveSessionOptions& options = {});

}  // namespace siamese
