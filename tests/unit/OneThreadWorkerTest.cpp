// OneThreadWorker: the helper thread that embeds half of a split batch.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <omp.h>
#include <stdexcept>
#include <thread>
#include <vector>

#include "nn/detail/OneThreadWorker.h"

namespace siamese::detail {
namespace {

TEST(OneThreadWorker, RunsEveryTaskInTurnOnOneThreadOfItsOwnWithOneOpenMpThread) {
  OneThreadWorker worker;
  std::vector<std::future<std::thread::id>> ids;
  std::vector<int> order;  // written only by the worker's thread, read after every future is ready
  std::vector<std::future<int>> openMpThreads;
  for (int k = 0; k < 5; ++k) {
    ids.push_back(worker.run([] { return std::this_thread::get_id(); }));
    openMpThreads.push_back(worker.run([&order, k] {
      order.push_back(k);
      return omp_get_max_threads();
    }));
  }
  const std::thread::id first = ids.front().get();
  EXPECT_NE(first, std::this_thread::get_id());
  for (std::size_t k = 1; k < ids.size(); ++k) EXPECT_EQ(ids[k].get(), first) << "task " << k;
  for (auto& threads : openMpThreads) EXPECT_EQ(threads.get(), 1);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(OneThreadWorker, ATaskThatThrowsHandsItsErrorToItsFutureAndTheWorkerGoesOn) {
  OneThreadWorker worker;
  std::future<int> failing = worker.run([]() -> int { throw std::runtime_error("no face in the crop"); });
  std::future<int> next = worker.run([] { return 7; });
  try {
    failing.get();
    ADD_FAILURE() << "the task's exception was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "no face in the crop");
  }
  EXPECT_EQ(next.get(), 7);
}

TEST(OneThreadWorker, EndingRunsWhatWasQueuedFirst) {
  std::atomic<int> done{0};
  {
    OneThreadWorker worker;
    worker.run([&done] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ++done;
    });
    for (int k = 0; k < 3; ++k) worker.run([&done] { ++done; });
  }  // its futures dropped: the worker must still run them before it ends
  EXPECT_EQ(done.load(), 4);
}

}  // namespace
}  // namespace siamese::detail
