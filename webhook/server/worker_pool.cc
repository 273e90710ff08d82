#include "webhook/server/worker_pool.h"

#include <sched.h>

#include <system_error>

namespace rayguard::server {
namespace {

// A review may nest 10,000 levels deep (the API server's own limit) and the
// code that copies, checks and frees it recurses once per level. The
// default 8 MiB stack held that only without sanitizers; 64 MiB of address
// space (pages are committed only when touched) leaves room with their
// larger frames too.
constexpr std::size_t kWorkerStackBytes = 64 << 20;

// Starts `body(arg)` on a thread with kWorkerStackBytes of stack; `what`
// names the thread in the error thrown when it cannot start.
pthread_t StartBigStackThread(void* (*body)(void*), void* arg,
                              const char* what) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  int err = pthread_attr_setstacksize(&attr, kWorkerStackBytes);
  pthread_t thread;
  if (err == 0) err = pthread_create(&thread, &attr, body, arg);
  pthread_attr_destroy(&attr);
  if (err != 0) throw std::system_error(err, std::generic_category(), what);
  return thread;
}

}  // namespace

void RunWithWorkerStack(const std::function<void()>& fn) {
  pthread_t thread = StartBigStackThread(
      [](void* f) -> void* {
        (*static_cast<const std::function<void()>*>(f))();
        return nullptr;
      },
      const_cast<std::function<void()>*>(&fn),
      "starting the server's event loop thread");
  pthread_join(thread, nullptr);
}

std::size_t UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  const int n = CPU_COUNT(&set);
  return n > 0 ? static_cast<std::size_t>(n) : 1;
}

WorkerPool::WorkerPool(std::size_t threads, std::function<void(void*)> run)
    : run_(std::move(run)) {
  try {
    for (std::size_t i = 0; i < threads; ++i) StartWorker();
  } catch (...) {
    Join();  // the workers already started must not outlive the pool
    throw;
  }
}

WorkerPool::~WorkerPool() { Join(); }

void WorkerPool::Join() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (pthread_t t : workers_) pthread_join(t, nullptr);
  workers_.clear();
}

void WorkerPool::StartWorker() {
  workers_.push_back(StartBigStackThread(
      [](void* pool) -> void* {
        static_cast<WorkerPool*>(pool)->Work();
        return nullptr;
      },
      this, "starting a server worker thread"));
}

void WorkerPool::Submit(void* job) {
  pending_.fetch_add(1, std::memory_order_acq_rel);
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(job);
  }
  ready_.notify_one();
}

void WorkerPool::Work() {
  for (;;) {
    void* job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = queue_.front();
      queue_.pop_front();
    }
    run_(job);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace rayguard::server
