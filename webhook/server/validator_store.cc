#include "webhook/server/validator_store.h"

#include <exception>

namespace rayguard::server {

ValidatorStore::ValidatorStore(Factory factory) : factory_(std::move(factory)) {}

Status ValidatorStore::Load() {
  std::lock_guard<std::mutex> build_lock(load_mu_);
  Result<std::unique_ptr<const Validator>> built = Status::Internal("unset");
  try {
    built = factory_();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("loading the validator threw: ") +
                            e.what());
  }
  if (!built.ok()) return built.status();
  std::shared_ptr<const Validator> next = std::move(*built);
  std::lock_guard<std::mutex> lock(mu_);
  current_.swap(next);
  return Status::Ok();  // the old validator dies with its last review
}

std::shared_ptr<const Validator> ValidatorStore::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

}  // namespace rayguard::server
