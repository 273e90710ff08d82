#include "webhook/server/worker_pool.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

// Every submitted job runs exactly once, on the pool's own threads, and
// jobs still queued when the pool is destroyed run before it is gone.
TEST(WorkerPoolTest, RunsEveryJobOnceOnItsWorkers) {
  constexpr int kJobs = 200;
  std::atomic<int> runs[kJobs] = {};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(2, [&](void* job) {
      ++runs[*static_cast<int*>(job)];
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    });
    static int ids[kJobs];
    for (int i = 0; i < kJobs; ++i) {
      ids[i] = i;
      pool.Submit(&ids[i]);
    }
  }
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(runs[i].load(), 1) << i;
  EXPECT_LE(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPoolTest, UsableCpusIsAtLeastOne) { EXPECT_GE(UsableCpus(), 1u); }

}  // namespace
}  // namespace rayguard::server
