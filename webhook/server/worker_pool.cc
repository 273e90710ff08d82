#include "webhook/server/worker_pool.h"

namespace rayguard::server {

WorkerPool::WorkerPool(std::size_t threads, std::chrono::milliseconds tick,
                       std::function<void(std::size_t)> on_backlog,
                       std::function<void(std::size_t)> on_tick)
    : on_backlog_(std::move(on_backlog)), on_tick_(std::move(on_tick)) {
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Work(); });
  }
  ticker_ = std::thread([this, tick] { Tick(tick); });
}

WorkerPool::~WorkerPool() { shutdown(); }

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
  }
}

void WorkerPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  ticked_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace rayguard::server
