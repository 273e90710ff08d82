#ifndef RAYGUARD_CORE_LAYER_H_
#define RAYGUARD_CORE_LAYER_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "webhook/core/check_result.h"
#include "webhook/core/resource.h"
#include "webhook/core/status.h"

namespace rayguard {

// One layer of checks (structural schema, KubeRay rules, policies). Built
// once, then shared read-only: every method must be safe to call from many
// threads at once.
class Layer {
 public:
  virtual ~Layer() = default;

  // Short name for logs and metrics ("schema", "rules", "policies").
  virtual std::string_view name() const = 0;

  // Applies what the API server fills in when it decodes the object (CRD
  // defaults), before any layer checks it. Most layers add nothing.
  virtual void ApplyDefaults(nlohmann::json* /*object*/) const {}

  // True when ApplyDefaults would change `object`. A layer that overrides
  // ApplyDefaults overrides this too: the validator copies an object to
  // default it only when some layer says so (objects from the API server
  // arrive defaulted). May say true when nothing would change, never false
  // when something would.
  virtual bool NeedsDefaults(const nlohmann::json& /*object*/) const {
    return false;
  }

  // Appends one Finding per fault of `resource` (already defaulted) to
  // result->findings, and any audit annotations. Never clears *result.
  // REQUIRES: result != nullptr
  virtual void Check(const Resource& resource, CheckResult* result) const = 0;
};

// A layer that changes objects (mutating admission policies).
class MutatingLayer {
 public:
  virtual ~MutatingLayer() = default;
  virtual std::string_view name() const = 0;

  // Mutates *object in place (a copy of resource.object). Findings (e.g. a
  // policy that failed to evaluate) go to *result. Returns an error Status
  // only when the mutation could not be decided at all.
  virtual Status Mutate(const Resource& resource, nlohmann::json* object,
                        CheckResult* result) const = 0;
};

}  // namespace rayguard

#endif  // RAYGUARD_CORE_LAYER_H_
