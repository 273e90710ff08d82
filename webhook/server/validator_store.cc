#include "webhook/server/validator_store.h"

#include <chrono>
#include <exception>
#include <utility>

namespace rayguard::server {

namespace {
// How often the store's thread looks at the retired validators: a review
// takes milliseconds, so one is normally destroyed at the first look.
constexpr std::chrono::milliseconds kRetiredCheck(50);
}  // namespace

ValidatorStore::ValidatorStore(Factory factory)
    : factory_(std::move(factory)), thread_([this] { Run(); }) {}

ValidatorStore::~ValidatorStore() {
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    stopping_ = true;
  }
  tasks_cv_.notify_one();
  thread_.join();
}

Status ValidatorStore::Load() {
  std::packaged_task<Status()> task([this] { return Build(); });
  std::future<Status> done = task.get_future();
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    tasks_.push_back(std::move(task));
  }
  tasks_cv_.notify_one();
  return done.get();
}

std::shared_ptr<const Validator> ValidatorStore::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void ValidatorStore::Run() {
  std::unique_lock<std::mutex> lock(tasks_mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      if (retired_.empty()) {
        tasks_cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      } else {
        tasks_cv_.wait_for(lock, kRetiredCheck);
      }
    }
    while (!tasks_.empty()) {
      std::packaged_task<Status()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
    lock.unlock();
    DestroyUnreferenced();
    lock.lock();
  }
  // Reviews still holding a retired validator free it themselves.
  retired_.clear();
}

Status ValidatorStore::Build() {
  Result<std::unique_ptr<const Validator>> built = Status::Internal("unset");
  try {
    built = factory_();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("loading the validator threw: ") +
                            e.what());
  }
  if (!built.ok()) return built.status();
  std::shared_ptr<const Validator> next = std::move(*built);
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_.swap(next);
  }
  if (next) retired_.push_back(std::move(next));
  DestroyUnreferenced();
  return Status::Ok();
}

void ValidatorStore::DestroyUnreferenced() {
  std::erase_if(retired_, [](const std::shared_ptr<const Validator>& v) {
    return v.use_count() == 1;  // only this list holds it
  });
}

}  // namespace rayguard::server
