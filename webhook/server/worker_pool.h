#ifndef RAYGUARD_SERVER_WORKER_POOL_H_
#define RAYGUARD_SERVER_WORKER_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>
#include <pthread.h>

namespace rayguard::server {

// cpp-httplib's task queue (one task per accepted connection, run to the
// connection's end) with a fixed number of workers, that also tells how
// many connections wait for a worker: at once when one is queued without a
// free worker, and on every tick. It lives exactly as long as the server
// listens, which makes it the place for the periodic work too.
class WorkerPool : public httplib::TaskQueue {
 public:
  // `on_backlog(n)` runs on the accepting thread when a connection is
  // queued while n connections (including it) have no free worker;
  // `on_tick(n)` runs every `tick` on a thread of its own, n possibly 0;
  // `after_task`, if set, runs on a worker each time it has finished a
  // connection, before it waits for the next.
  WorkerPool(std::size_t threads, std::chrono::milliseconds tick,
             std::function<void(std::size_t)> on_backlog,
             std::function<void(std::size_t)> on_tick,
             std::function<void()> after_task = nullptr);
  ~WorkerPool() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins the workers and the ticker.
  void shutdown() override;

 private:
  void StartWorker();
  void Work();
  void Tick(std::chrono::milliseconds every);
  std::size_t BacklogLocked() const;

  const std::function<void(std::size_t)> on_backlog_;
  const std::function<void(std::size_t)> on_tick_;
  const std::function<void()> after_task_;
  std::mutex mu_;
  std::condition_variable ready_;   // work queued, or stopping
  std::condition_variable ticked_;  // stopping (wakes the ticker early)
  std::deque<std::function<void()>> queue_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<pthread_t> workers_;  // joined and cleared by shutdown()
  std::thread ticker_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_WORKER_POOL_H_
