#ifndef RAYGUARD_SERVER_VALIDATOR_STORE_H_
#define RAYGUARD_SERVER_VALIDATOR_STORE_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/core/status.h"
#include "webhook/validator/validator.h"

namespace rayguard::server {

// Holds the Validator that serves requests and replaces it as a whole on
// reload, so a review always sees one consistent set of schemas and
// policies. Safe to use from many threads.
//
// Every Validator is built, and every replaced one destroyed, on the
// store's own thread. A validator is tens of megabytes of small objects;
// built on one thread and freed on another (or on threads that have
// exited), its memory stays with those threads' allocator heaps and each
// reload adds another validator's worth to the process. Kept on one
// thread, a reload reuses what the previous validator gave back.
class ValidatorStore {
 public:
  // Builds a complete Validator from the current files.
  using Factory = std::function<Result<std::unique_ptr<const Validator>>()>;

  explicit ValidatorStore(Factory factory);
  ~ValidatorStore();
  ValidatorStore(const ValidatorStore&) = delete;
  ValidatorStore& operator=(const ValidatorStore&) = delete;

  // Builds a new Validator and swaps it in; returns when that is done. On
  // failure the old one keeps serving and the load error is returned.
  Status Load();

  // The Validator to use for one review (kept alive by the pointer even if a
  // reload swaps it meanwhile), or nullptr before the first successful Load.
  std::shared_ptr<const Validator> current() const;

 private:
  void Run();                 // the store's thread
  Status Build();             // on the store's thread
  void DestroyUnreferenced();  // on the store's thread

  const Factory factory_;
  mutable std::mutex mu_;
  std::shared_ptr<const Validator> current_;

  std::mutex tasks_mu_;
  std::condition_variable tasks_cv_;
  std::deque<std::packaged_task<Status()>> tasks_;
  bool stopping_ = false;
  // Replaced validators that reviews in flight still use; the store's
  // thread destroys each once the last review has let go of it.
  std::vector<std::shared_ptr<const Validator>> retired_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_VALIDATOR_STORE_H_
