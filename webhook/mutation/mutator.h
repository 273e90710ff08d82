#ifndef RAYGUARD_MUTATION_MUTATOR_H_
#define RAYGUARD_MUTATION_MUTATOR_H_

#include <nlohmann/json.hpp>
#include <string>

#include "webhook/core/check_result.h"
#include "webhook/core/resource.h"
#include "webhook/core/status.h"

namespace rayguard::mutation {

// When a mutator runs again after later mutators changed the object
// (MutatingAdmissionPolicy's reinvocationPolicy).
enum class Reinvocation { kNever, kIfNeeded };

// One unit of mutation (a MutatingAdmissionPolicy bound by its bindings).
// Built once, then shared read-only: Mutate must be safe to call from many
// threads at once.
class Mutator {
 public:
  virtual ~Mutator() = default;

  // Stable id for findings and errors: "policy/<policy-name>".
  virtual const std::string& id() const = 0;
  virtual Reinvocation reinvocation() const { return Reinvocation::kNever; }

  // Changes *object, the object as the mutators before this one left it,
  // if this mutator applies to the request described by `request` (whose
  // `object` is the object as it arrived). A failure the policy's
  // failurePolicy turns into a denial is a Finding in *result; a Status is
  // returned only when nothing can be decided. Sets *changed to true when
  // *object is now different (never to false): reinvocation depends on it,
  // so writing a value that is already there is no change.
  // REQUIRES: object, result and changed are not null
  virtual Status Mutate(const Resource& request, nlohmann::json* object,
                        CheckResult* result, bool* changed) const = 0;
};

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_MUTATOR_H_
