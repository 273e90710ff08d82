#ifndef RAYGUARD_MUTATION_MUTATING_POLICY_H_
#define RAYGUARD_MUTATION_MUTATING_POLICY_H_

#include <optional>
#include <string>
#include <vector>

#include "webhook/policy/policy.h"

namespace rayguard::mutation {

// Typed admissionregistration.k8s.io MutatingAdmissionPolicy and
// MutatingAdmissionPolicyBinding (v1beta1 shape; v1 and v1alpha1 are read
// the same way), as read from YAML, with the API server's defaults.
// Matching, params, variables and matchConditions reuse the validating
// policies' types.

struct Mutation {
  enum class PatchType { kApplyConfiguration, kJSONPatch };
  PatchType patch_type = PatchType::kJSONPatch;
  std::string expression;  // applyConfiguration or jsonPatch expression
};

struct MutatingAdmissionPolicy {
  std::string name;
  policy::Origin origin;
  std::optional<policy::ParamKind> param_kind;
  policy::MatchResources match_constraints;
  std::vector<policy::NamedExpression> variables;
  std::vector<Mutation> mutations;
  std::string failure_policy = "Fail";  // or Ignore
  std::vector<policy::NamedExpression> match_conditions;
  std::string reinvocation_policy = "Never";  // or IfNeeded
};

struct MutatingAdmissionPolicyBinding {
  std::string name;
  policy::Origin origin;
  std::string policy_name;
  std::optional<policy::ParamRef> param_ref;
  std::optional<policy::MatchResources> match_resources;
};

// What a set of policy files holds of the mutating kinds.
struct MutatingPolicyObjects {
  std::vector<MutatingAdmissionPolicy> policies;
  std::vector<MutatingAdmissionPolicyBinding> bindings;
};

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_MUTATING_POLICY_H_
