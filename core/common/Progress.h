#pragma once
/// \file Progress.h
/// How long jobs (preparing a data set, training, re-embedding) report
/// progress and learn that they should stop. The CLI draws a progress bar
/// from the callback; the GUI turns it into queued signals.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace siamese {

/// A snapshot of a long job's progress.
struct Progress {
  std::size_t done = 0;    ///< units finished (photos, steps, ...)
  std::size_t total = 0;   ///< units expected; 0 when unknown
  double unitsPerSecond = 0.0;
  std::string message;     ///< short status line, may be empty
};

/// Called from the job's thread (or one of its workers, serialised).
/// Must be cheap; jobs throttle their calls (a few per second).
using ProgressFn = std::function<void(const Progress&)>;

/// A flag a caller sets to ask a job to stop at the next safe point.
/// Jobs check it at least once per unit of work.
class StopToken {
 public:
  void requestStop() { m_stop.store(true, std::memory_order_relaxed); }
  bool stopRequested() const { return m_stop.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> m_stop{false};
};

/// Limits how often a progress callback fires (jobs call tick() per unit).
class ProgressThrottle {
 public:
  explicit ProgressThrottle(std::chrono::milliseconds interval = std::chrono::milliseconds(200))
      : m_interval(interval) {}

  /// True when at least `interval` has passed since the last true.
  bool due() {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < m_interval) return false;
    m_last = now;
    return true;
  }

 private:
  std::chrono::milliseconds m_interval;
  std::chrono::steady_clock::time_point m_last{};
};

}  // namespace siamese
