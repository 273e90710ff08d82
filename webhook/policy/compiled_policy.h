#ifndef RAYGUARD_POLICY_COMPILED_POLICY_H_
#define RAYGUARD_POLICY_COMPILED_POLICY_H_

#include <memory>
#include <vector>

#include "webhook/cel/cel.h"
#include "webhook/policy/cel_context.h"
#include "webhook/policy/policy.h"

namespace rayguard::policy {

// A ValidatingAdmissionPolicy with every expression compiled, and the
// bindings that refer to it. Immutable after PolicyEngine::Create.
struct CompiledPolicy {
  struct Check {
    std::shared_ptr<const cel::Program> expression;
    std::shared_ptr<const cel::Program> message_expression;  // may be null
  };
  ValidatingAdmissionPolicy policy;
  std::vector<CompiledNamed> match_conditions;
  std::vector<CompiledNamed> variables;
  std::vector<Check> validations;
  std::vector<std::shared_ptr<const cel::Program>> audit_values;
  std::vector<ValidatingAdmissionPolicyBinding> bindings;
};

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_COMPILED_POLICY_H_
