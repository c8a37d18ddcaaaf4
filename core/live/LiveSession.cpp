#include "live/LiveSession.h"

#include <chrono>
#include <exception>
#include <thread>

#include "live/LatestFrameSlot.h"

namespace siamese {
namespace {

using Clock = std::chrono::steady_clock;

void report(const LiveSessionCallbacks& callbacks, const std::string& status) {
  if (callbacks.onStatus) callbacks.onStatus(status);
}

// Sleeps in small steps so a stop request is not kept waiting.
void waitSeconds(double seconds, const StopToken& stop) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < until && !stop.stopRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// The capture loop: reads until the end, a lost source that does not come
// back, a stop request or a closed slot.
void captureFrames(FrameSource& source, LatestFrameSlot<CapturedFrame>& slot, const LiveSessionCallbacks& callbacks,
                   const StopToken& stop, const LiveSessionOptions& options, LiveSessionStats& stats) {
  const bool live = source.isLive();
  while (!stop.stopRequested()) {
    CapturedFrame frame;
    const ReadStatus status = source.read(frame);
    if (status == ReadStatus::Frame) {
      ++stats.captured;
      if (!slot.put(std::move(frame), live)) return;
      continue;
    }
    if (status == ReadStatus::EndOfStream) {
      report(callbacks, "end of " + source.description());
      return;
    }
    bool back = false;
    for (int attempt = 1; attempt <= options.reconnectAttempts && !back && !stop.stopRequested(); ++attempt) {
      report(callbacks, source.description() + " stopped delivering frames; reconnecting (" + std::to_string(attempt) +
                            "/" + std::to_string(options.reconnectAttempts) + ")");
      waitSeconds(options.reconnectDelaySeconds, stop);
      back = source.reopen();
    }
    if (!back) {
      if (!stop.stopRequested()) {
        stats.sourceLost = true;
        report(callbacks, source.description() + " is gone; stopped");
      }
      return;
    }
    report(callbacks, source.description() + " is back");
  }
}

}  // namespace

LiveSessionStats runLiveSession(FrameSource& source, LiveRecognizer& recognizer, const LiveSessionCallbacks& callbacks,
                                const StopToken& stop, const LiveSessionOptions& options) {
  LiveSessionStats stats;
  LatestFrameSlot<CapturedFrame> slot;
  std::exception_ptr captureError;
  const auto start = Clock::now();
  std::thread capture([&] {
    try {
      captureFrames(source, slot, callbacks, stop, options, stats);
    } catch (...) {
      captureError = std::current_exception();
    }
    slot.close();
  });

  std::exception_ptr processError;
  double lastTimestamp = 0;
  std::int64_t lastIndex = 0;
  try {
    while (auto frame = slot.take()) {
      const LiveFrameResult result = recognizer.process(*frame);
      lastTimestamp = frame->timestamp;
      lastIndex = frame->index;
      ++stats.processed;
      if (callbacks.onFrame) callbacks.onFrame(*frame, result);
      if (stop.stopRequested() || (options.maxFrames > 0 && stats.processed >= options.maxFrames)) break;
    }
  } catch (...) {
    processError = std::current_exception();
  }
  slot.close();
  capture.join();
  stats.dropped = slot.dropped();
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (processError) std::rethrow_exception(processError);
  if (captureError) std::rethrow_exception(captureError);
  const std::vector<PresenceEvent> last = recognizer.finish(lastTimestamp, lastIndex);
  if (callbacks.onFinish) callbacks.onFinish(last);
  return stats;
}

}  // namespace siamese
