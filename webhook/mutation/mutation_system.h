#ifndef RAYGUARD_MUTATION_MUTATION_SYSTEM_H_
#define RAYGUARD_MUTATION_MUTATION_SYSTEM_H_

#include <memory>
#include <string_view>
#include <vector>

#include "webhook/core/layer.h"
#include "webhook/mutation/mutator.h"

namespace rayguard::mutation {

// Runs mutators in a fixed order until the object stops changing:
// - the first pass runs every mutator, in the order given (the loader sorts
//   policies by name, so the order is documented and stable);
// - while the previous pass changed the object, another pass runs the
//   mutators whose reinvocation is kIfNeeded;
// - if the object still changes after `max_passes` passes, Mutate fails
//   with ResourceExhausted naming the mutators that keep changing it: a set
//   of mutations that never settles is an error, not a loop.
// Immutable once built; safe to share between threads.
class MutationSystem final : public MutatingLayer {
 public:
  static constexpr int kDefaultMaxPasses = 5;

  explicit MutationSystem(std::vector<std::unique_ptr<Mutator>> mutators,
                          int max_passes = kDefaultMaxPasses);

  std::string_view name() const override { return "mutation"; }
  Status Mutate(const Resource& resource, nlohmann::json* object,
                CheckResult* result) const override;

  std::size_t size() const { return mutators_.size(); }

 private:
  // Runs the mutators of one pass; the first pass runs all of them.
  Status RunPass(bool first, const Resource& resource, nlohmann::json* object,
                 CheckResult* result, bool* changed) const;
  // The ids of the reinvoked mutators that still change the object.
  std::vector<std::string> Unsettled(const Resource& resource,
                                     nlohmann::json object) const;

  std::vector<std::unique_ptr<Mutator>> mutators_;
  int max_passes_;
  bool any_reinvoked_ = false;
};

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_MUTATION_SYSTEM_H_
