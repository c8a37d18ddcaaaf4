#pragma once

// A helper thread that outlives the work it is given: the embedder's, which
// embeds half of a batch cut in two. A thread started afresh for each batch
// (std::async) would pay its start and LibTorch's OpenMP set-up every time.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace siamese::detail {

/// Keeps the calling thread's LibTorch and OpenMP work to one thread from
/// now on: for a helper thread whose work overlaps work on the other cores.
/// (LibTorch sets a new thread's OpenMP threads on its first parallel
/// operation; this does that first, then sets one.)
void keepThisThreadToOneOpenMpThread();

/// Runs tasks one after another on a thread of its own, with one OpenMP
/// thread (LibTorch's CPU kernels and oneDNN size their teams by the calling
/// thread's OpenMP setting), so the work it overlaps keeps the other cores.
class OneThreadWorker {
 public:
  OneThreadWorker();
  /// Runs what was queued, then ends the thread.
  ~OneThreadWorker();
  OneThreadWorker(const OneThreadWorker&) = delete;
  OneThreadWorker& operator=(const OneThreadWorker&) = delete;

  /// `task` queued; its result (or exception) comes through the future.
  template <class Task>
  auto run(Task task) -> std::future<decltype(task())> {
    auto packaged = std::make_shared<std::packaged_task<decltype(task())()>>(std::move(task));
    std::future<decltype(task())> result = packaged->get_future();
    enqueue([packaged] { (*packaged)(); });
    return result;
  }

 private:
  void enqueue(std::function<void()> job);
  void loop();

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_jobs;
  bool m_stopping = false;
  std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace siamese::detail
