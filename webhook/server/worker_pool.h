#ifndef RAYGUARD_SERVER_WORKER_POOL_H_
#define RAYGUARD_SERVER_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include <pthread.h>

namespace rayguard::server {

// The threads that judge reviews: a fixed number (one per core by
// default), fed whole requests by the front end. They never read from or
// wait on a client, so a slow or hostile connection cannot hold one.
class WorkerPool {
 public:
  // `run(job)` runs on a worker for every submitted job.
  WorkerPool(std::size_t threads, std::function<void(void*)> run);
  ~WorkerPool();  // runs what is queued, then joins the workers

  void Submit(void* job);
  // No job queued or running: a submitted one would start at once.
  bool Idle() const { return pending_.load(std::memory_order_acquire) == 0; }

 private:
  void StartWorker();
  void Work();
  void Join();

  const std::function<void(void*)> run_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<void*> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> pending_{0};  // queued or running
  std::vector<pthread_t> workers_;
};

// Runs `fn` on a new thread with a worker's stack and waits for it: the
// front end's loop judges small reviews itself when no worker is busy, and
// needs the same room for deep nesting.
void RunWithWorkerStack(const std::function<void()>& fn);

// The CPUs this process may run on (its affinity mask, which container
// CPU sets restrict), at least 1.
std::size_t UsableCpus();

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_WORKER_POOL_H_
