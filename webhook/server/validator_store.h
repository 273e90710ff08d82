#ifndef RAYGUARD_SERVER_VALIDATOR_STORE_H_
#define RAYGUARD_SERVER_VALIDATOR_STORE_H_

#include <functional>
#include <memory>
#include <mutex>

#include "webhook/core/result.h"
#include "webhook/core/status.h"
#include "webhook/validator/validator.h"

namespace rayguard::server {

// Holds the Validator that serves requests and replaces it as a whole on
// reload, so a review always sees one consistent set of schemas and
// policies. Safe to use from many threads.
class ValidatorStore {
 public:
  // Builds a complete Validator from the current files.
  using Factory = std::function<Result<std::unique_ptr<const Validator>>()>;

  explicit ValidatorStore(Factory factory);

  // Builds a new Validator and swaps it in. On failure the old one keeps
  // serving and the load error is returned.
  Status Load();

  // The Validator to use for one review (kept alive by the pointer even if a
  // reload swaps it meanwhile), or nullptr before the first successful Load.
  std::shared_ptr<const Validator> current() const;

 private:
  const Factory factory_;
  std::mutex load_mu_;  // one build at a time
  mutable std::mutex mu_;
  std::shared_ptr<const Validator> current_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_VALIDATOR_STORE_H_
