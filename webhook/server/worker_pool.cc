#include "webhook/server/worker_pool.h"

#include <system_error>

namespace rayguard::server {
namespace {

// A review may nest 10,000 levels deep (the API server's own limit) and the
// code that copies, checks and frees it recurses once per level. The
// default 8 MiB stack held that only without sanitizers; 64 MiB of address
// space (pages are committed only when touched) leaves room with their
// larger frames too.
constexpr std::size_t kWorkerStackBytes = 64 << 20;

}  // namespace

WorkerPool::WorkerPool(std::size_t threads, std::chrono::milliseconds tick,
                       std::function<void(std::size_t)> on_backlog,
                       std::function<void(std::size_t)> on_tick,
                       std::function<void()> after_task)
    : on_backlog_(std::move(on_backlog)),
      on_tick_(std::move(on_tick)),
      after_task_(std::move(after_task)) {
  try {
    for (std::size_t i = 0; i < threads; ++i) StartWorker();
  } catch (...) {
    shutdown();  // the workers already started must not outlive the pool
    throw;
  }
  ticker_ = std::thread([this, tick] { Tick(tick); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::StartWorker() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  int err = pthread_attr_setstacksize(&attr, kWorkerStackBytes);
  pthread_t thread;
  if (err == 0) {
    err = pthread_create(
        &thread, &attr,
        [](void* pool) -> void* {
          static_cast<WorkerPool*>(pool)->Work();
          return nullptr;
        },
        this);
  }
  pthread_attr_destroy(&attr);
  if (err != 0) {
    throw std::system_error(err, std::generic_category(),
                            "starting a server worker thread");
  }
  workers_.push_back(thread);
}

void WorkerPool::enqueue(std::function<void()> fn) {
  std::size_t backlog;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(fn));
    backlog = BacklogLocked();
  }
  ready_.notify_one();
  if (backlog > 0 && on_backlog_) on_backlog_(backlog);
}

void WorkerPool::Tick(std::chrono::milliseconds every) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!ticked_.wait_for(lock, every, [this] { return stopping_; })) {
    const std::size_t backlog = BacklogLocked();
    lock.unlock();
    if (on_tick_) on_tick_(backlog);
    lock.lock();
  }
}

std::size_t WorkerPool::BacklogLocked() const {
  return queue_.size() > idle_ ? queue_.size() - idle_ : 0;
}

void WorkerPool::Work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++idle_;
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      --idle_;
      if (queue_.empty()) return;  // stopping, nothing left
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
    task = nullptr;  // the connection's state goes before after_task_ runs
    if (after_task_) after_task_();
  }
}

void WorkerPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  ticked_.notify_all();
  for (pthread_t t : workers_) pthread_join(t, nullptr);
  workers_.clear();
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace rayguard::server
