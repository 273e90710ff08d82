#ifndef RAYGUARD_SERVER_WORKER_POOL_H_
#define RAYGUARD_SERVER_WORKER_POOL_H_

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

 private:
  void StartWorker();
  void Work();
  void Join();

  const std::function<void(void*)> run_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<void*> queue_;
  bool stopping_ = false;
  std::vector<pthread_t> workers_;
};

// The CPUs this process may run on (its affinity mask, which container
// CPU sets restrict), at least 1.
std::size_t UsableCpus();

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_WORKER_POOL_H_
