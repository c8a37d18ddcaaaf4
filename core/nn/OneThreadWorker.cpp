#include "nn/detail/OneThreadWorker.h"

#include <ATen/Parallel.h>
#include <omp.h>

namespace siamese::detail {

void keepThisThreadToOneOpenMpThread() {
  at::internal::lazy_init_num_threads();
  omp_set_num_threads(1);
}

OneThreadWorker::OneThreadWorker() : m_thread([this] { loop(); }) {}

OneThreadWorker::~OneThreadWorker() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_one();
  m_thread.join();
}

void OneThreadWorker::enqueue(std::function<void()> job) {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs.push_back(std::move(job));
  }
  m_wake.notify_one();
}

void OneThreadWorker::loop() {
  keepThisThreadToOneOpenMpThread();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_jobs.empty()) return;  // stopping, and nothing left to run
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
    }
    job();  // a packaged task: its exception goes to its future
  }
}

}  // namespace siamese::detail
