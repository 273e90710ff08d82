#ifndef RAYGUARD_VALIDATOR_VALIDATOR_H_
#define RAYGUARD_VALIDATOR_VALIDATOR_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/core/check_result.h"
#include "webhook/core/layer.h"
#include "webhook/core/resource.h"
#include "webhook/core/result.h"
#include "webhook/validator/ratchet.h"

namespace rayguard {

// What to load and how to judge. Both front ends (serve, check) fill this
// from their flags and config.
struct ValidatorOptions {
  std::string schemas_dir;               // generated JSON Schemas
  std::vector<std::string> policy_dirs;  // ValidatingAdmissionPolicy YAML
  std::string params_dir;                // replaces each policies/params/
  bool strict = false;                   // unknown fields are errors
  bool skip_invalid_policies = false;
  std::map<std::string, bool> feature_gates;  // KubeRay feature gates
  // Rule id -> "off" or "warn", for teams phasing a rule in.
  std::map<std::string, std::string> rule_overrides;
  // Load policies and schema files on threads of their own (quicker for a
  // one-off `check`). A server that rebuilds its validator builds it on one
  // thread instead, so that every rebuild allocates from, and frees to, the
  // same thread's heap rather than leaving memory with exited threads.
  bool parallel_load = true;
  // On UPDATE, errors of the schema and KubeRay rules that the stored object
  // (oldObject) already had are warnings, as the API server ratchets CRD
  // validation. Policies are never ratcheted.
  bool ratchet_updates = true;
};

// The result of mutation: the final object and anything found on the way.
struct MutationOutcome {
  nlohmann::json object;
  CheckResult result;
};

// ValidatingAdmissionPolicies in force, and policies or bindings left out
// because they did not load (only with skip_invalid_policies).
struct PolicyCounts {
  int loaded = 0;
  int skipped = 0;
};

// The core both front ends call. Built once; every method is const and safe
// to call from many threads. To reload, build a new Validator and swap it.
class Validator {
 public:
  // Loads schemas, builds the rules and compiles every policy. Returns the
  // first load error (naming the file) when something does not load.
  static Result<std::unique_ptr<const Validator>> Create(
      const ValidatorOptions& options);

  // For tests and embedders: a validator over explicit layers.
  Validator(std::vector<std::unique_ptr<Layer>> layers,
            std::vector<std::unique_ptr<MutatingLayer>> mutators,
            std::map<std::string, std::string> rule_overrides = {});

  // True for ray.io RayCluster, RayJob, RayService and RayCronJob objects;
  // every other object is allowed unchecked.
  static bool Handles(const nlohmann::json& object);

  // Runs every layer on `resource` (CRD defaults applied first). The object
  // is copied only when defaulting would change it: an object from the API
  // server arrives defaulted and is checked where it lies. On UPDATE,
  // unchanged faults ratchet (see ratchet.h) and a metadata-only update of
  // an object being deleted is never denied. Secret values are never quoted
  // in the findings.
  CheckResult Check(const Resource& resource) const;
  // The same on a resource the caller is done with: defaults apply in place.
  CheckResult Check(Resource&& resource) const;

  // Returns `object` with CRD defaults applied, as the API server stores it.
  nlohmann::json ApplyDefaults(nlohmann::json object) const;

  // Runs the mutating layers on a copy of resource.object. Fails (and the
  // webhook denies) when mutation does not settle or would make the object
  // fail its schema (errors the object already had do not count).
  Result<MutationOutcome> Mutate(const Resource& resource) const;

  // Names of the layers, in the order they run (for logs and readiness).
  std::vector<std::string> LayerNames() const;

  // For the rayguard_policies_loaded metric and startup logs.
  PolicyCounts policy_counts() const { return policy_counts_; }

 private:
  bool NeedsDefaults(const nlohmann::json& object) const;
  CheckResult RunLayers(const Resource& resource, bool deleting) const;
  void ApplyOverrides(Findings* findings) const;
  ratchet::Stored CheckStored(const nlohmann::json& old_object) const;
  static void StopAtTooManyFindings(Findings* findings);
  Status CheckMutatedSchema(const Resource& resource,
                            const nlohmann::json& mutated) const;
  std::vector<std::string> SchemaErrors(const Resource& resource,
                                        const nlohmann::json& object,
                                        const Layer& schema) const;

  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::unique_ptr<MutatingLayer>> mutators_;
  std::map<std::string, std::string> rule_overrides_;
  PolicyCounts policy_counts_;
  bool ratchet_updates_ = true;
};

}  // namespace rayguard

#endif  // RAYGUARD_VALIDATOR_VALIDATOR_H_
