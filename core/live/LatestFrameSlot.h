#pragma once
/// \file LatestFrameSlot.h
/// The hand-over between the capture thread and the processing thread: one
/// slot holding the newest frame. A live camera overwrites a frame nobody
/// took (it is stale: showing it later would only add delay), so frames
/// are dropped, never queued. A file source instead waits for the slot to
/// empty, so every frame of a recording is processed.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace siamese {

template <typename Frame>
class LatestFrameSlot {
 public:
  /// Puts a frame. With `overwrite`, a frame still in the slot is replaced
  /// (and counted as dropped); without, the call waits until it is taken.
  /// Returns false when the slot was closed.
  bool put(Frame frame, bool overwrite) {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (!overwrite) m_taken.wait(lock, [this] { return !m_frame || m_closed; });
    if (m_closed) return false;
    if (m_frame) ++m_dropped;
    m_frame = std::move(frame);
    m_filled.notify_one();
    return true;
  }

  /// Waits for a frame; nullopt once the slot is closed and empty.
  std::optional<Frame> take() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_filled.wait(lock, [this] { return m_frame || m_closed; });
    std::optional<Frame> frame = std::move(m_frame);
    m_frame.reset();
    m_taken.notify_one();
    return frame;
  }

  /// No more frames will come; a waiting take() returns what is left, then
  /// nullopt. Wakes a waiting put(), which returns false.
  void close() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
    m_filled.notify_all();
    m_taken.notify_all();
  }

  std::int64_t dropped() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_dropped;
  }

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_filled;
  std::condition_variable m_taken;
  std::optional<Frame> m_frame;
  std::int64_t m_dropped = 0;
  bool m_closed = false;
};

}  // namespace siamese
