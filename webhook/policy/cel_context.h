#ifndef RAYGUARD_POLICY_CEL_CONTEXT_H_
#define RAYGUARD_POLICY_CEL_CONTEXT_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/cel/cel.h"
#include "webhook/core/resource.h"
#include "webhook/policy/match.h"
#include "webhook/policy/policy.h"

namespace rayguard::policy {

// A compiled matchCondition or variable.
struct CompiledNamed {
  std::string name;
  std::string expression;
  std::shared_ptr<const cel::Program> program;
};

// The AdmissionRequest the CEL `request` variable shows: resource.admission
// .request with what the API server always fills in (kind, resource, name,
// namespace, operation, userInfo, dryRun) added where missing, so offline
// checks see the same shape (operation CREATE by default).
nlohmann::json BuildRequest(const Resource& resource,
                            const RequestAttributes& attributes);

// The variables of one policy evaluation: object, oldObject, request,
// params, namespaceObject and the policy's `variables`, evaluated lazily (at
// most once, on first use). A variable that refers to itself, directly or
// not, is an evaluation error. Everything bound is borrowed and must
// outlive this context. One per (object, binding, param); not thread-safe.
class EvaluationContext {
 public:
  // `params` may be nullptr (CEL null). `variables` may be empty.
  EvaluationContext(const Resource& resource, const nlohmann::json& request,
                    const nlohmann::json* params,
                    const std::vector<CompiledNamed>& variables);
  EvaluationContext(const EvaluationContext&) = delete;
  EvaluationContext& operator=(const EvaluationContext&) = delete;

  const cel::Activation& activation() const { return activation_; }

 private:
  std::optional<cel::Value> ResolveVariable(std::string_view name);

  cel::Activation activation_;
  const std::vector<CompiledNamed>& variables_;
  std::vector<bool> in_progress_;
};

// The outcome of a policy's matchConditions: the API server skips the
// policy if any is false; otherwise an error in any of them is a failure
// (handled by failurePolicy); otherwise it applies.
struct MatchConditionsOutcome {
  bool matches = true;
  std::string error;  // set when no condition was false but one failed
};

MatchConditionsOutcome EvaluateMatchConditions(
    const std::vector<CompiledNamed>& conditions,
    const cel::Activation& activation);

// Compiles `expressions`, naming each error by its field
// ("spec.matchConditions[1].expression"). Appends to *out and *errors.
// REQUIRES: out != nullptr, errors != nullptr
struct CompileError {
  std::string field;    // field path
  std::string pointer;  // JSON Pointer of the field in its document
  std::string message;
};
void CompileNamed(const std::vector<NamedExpression>& expressions,
                  const std::string& field, const cel::Env& env,
                  std::vector<CompiledNamed>* out,
                  std::vector<CompileError>* errors);

// The environment a policy's expressions compile in: the admission
// variables plus the names of its `variables`.
cel::Env PolicyEnv(const std::vector<NamedExpression>& variables,
                   bool mutation);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_CEL_CONTEXT_H_
