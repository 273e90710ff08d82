#include "webhook/server/worker_pool.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

constexpr int kTasks = 20;
thread_local int last_task_on_this_worker = -1;

// `serve` hands the allocator's per-thread memory back in after_task, so it
// must run on the worker that served the connection, once per connection,
// and only once the connection's own state (held by the task) is gone.
TEST(WorkerPoolTest, AfterTaskRunsOnTheWorkerOnceTheTaskIsDestroyed) {
  std::mutex mu;
  std::vector<std::thread::id> task_threads, after_threads;
  std::array<std::atomic<bool>, kTasks> destroyed{};
  std::atomic<int> after_saw_live_state{0};
  {
    WorkerPool pool(2, std::chrono::milliseconds(1000), nullptr, nullptr, [&] {
      if (!destroyed[last_task_on_this_worker]) ++after_saw_live_state;
      std::lock_guard<std::mutex> lock(mu);
      after_threads.push_back(std::this_thread::get_id());
    });
    for (int i = 0; i < kTasks; ++i) {
      auto state = std::shared_ptr<int>(new int(i), [&destroyed](int* p) {
        destroyed[*p] = true;
        delete p;
      });
      pool.enqueue([&mu, &task_threads, state = std::move(state)] {
        last_task_on_this_worker = *state;
        std::lock_guard<std::mutex> lock(mu);
        task_threads.push_back(std::this_thread::get_id());
      });
    }
    pool.shutdown();
  }
  ASSERT_EQ(task_threads.size(), static_cast<std::size_t>(kTasks));
  ASSERT_EQ(after_threads.size(), static_cast<std::size_t>(kTasks));
  EXPECT_EQ(after_saw_live_state.load(), 0);
  std::sort(task_threads.begin(), task_threads.end());
  std::sort(after_threads.begin(), after_threads.end());
  EXPECT_EQ(task_threads, after_threads);  // same workers, as often each
}

}  // namespace
}  // namespace rayguard::server
