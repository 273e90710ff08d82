// PolicyEngine::Evaluate: the API server's ValidatingAdmissionPolicy
// dispatch (k8s.io/apiserver/pkg/admission/plugin/policy/validating) for one
// object, offline.
#include <optional>

#include "webhook/cel/cel.h"
#include "webhook/policy/cel_context.h"
#include "webhook/policy/compiled_policy.h"
#include "webhook/policy/match.h"
#include "webhook/policy/policy_engine.h"

namespace rayguard::policy {
namespace {

constexpr char kAuditFailureKey[] =
    "validation.policy.admission.k8s.io/validation_failure";

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

bool HasAction(const ValidatingAdmissionPolicyBinding& b, const char* action) {
  for (const std::string& a : b.validation_actions) {
    if (a == action) return true;
  }
  return false;
}

// One (object, policy, binding, param) evaluation and where its results go.
class BindingRun {
 public:
  BindingRun(const CompiledPolicy& policy,
             const ValidatingAdmissionPolicyBinding& binding,
             CheckResult* result)
      : c_(policy), p_(policy.policy), b_(binding), result_(result) {}

  // A failure outside any validation (rule policy/<name>): denies under
  // failurePolicy Fail whatever the binding's actions, as the API server's
  // configuration errors do; ignored under Ignore.
  void ConfigFailure(const std::string& why) {
    if (p_.failure_policy == "Ignore") return;
    Finding f;
    f.rule = "policy/" + p_.name;
    f.type = "Policy";
    f.message = DeniedPrefix() + why;
    result_->findings.push_back(std::move(f));
  }

  void Run(const Resource& resource, const nlohmann::json& request,
           const nlohmann::json* params) {
    kind_ = resource.kind();
    EvaluationContext ctx(resource, request, params, c_.variables);
    MatchConditionsOutcome match =
        EvaluateMatchConditions(c_.match_conditions, ctx.activation());
    if (!match.matches) return;
    if (!match.error.empty()) return ConfigFailure(match.error);
    for (std::size_t i = 0; i < c_.validations.size(); ++i) {
      RunValidation(i, ctx.activation());
    }
    RunAuditAnnotations(ctx.activation());
  }

 private:
  std::string DeniedPrefix() const {
    return "ValidatingAdmissionPolicy '" + p_.name + "' with binding '" +
           b_.name + "' denied request: ";
  }

  void RunValidation(std::size_t i, const cel::Activation& act) {
    const Validation& v = p_.validations[i];
    cel::Value out = c_.validations[i].expression->Eval(act);
    std::string message;
    if (out.kind() == cel::Value::Kind::kBool) {
      if (out.bool_value()) return;
      message = FailureMessage(i, act);
    } else {
      // An evaluation error is a failure only under failurePolicy Fail.
      if (p_.failure_policy == "Ignore") return;
      std::string why = out.IsError()
                            ? std::string(out.error_message())
                            : "must evaluate to bool, got " + out.TypeName();
      // Where in the expression it failed, for the policy's author.
      std::string at =
          cel::ErrorLocation(out, c_.validations[i].expression->source());
      if (!at.empty()) why += " (at " + at + ")";
      message =
          "expression '" + Trim(v.expression) + "' resulted in error: " + why;
    }
    Report(i, message);
  }

  // messageExpression wins when it yields a non-empty single-line string;
  // then message; then the API server's "failed expression: <expr>".
  std::string FailureMessage(std::size_t i, const cel::Activation& act) {
    const Validation& v = p_.validations[i];
    if (const auto& me = c_.validations[i].message_expression) {
      cel::Value m = me->Eval(act);
      if (m.kind() == cel::Value::Kind::kString) {
        std::string s = Trim(m.string_value());
        if (!s.empty() && s.find('\n') == std::string::npos) return s;
      }
    }
    if (!v.message.empty()) return v.message;
    return "failed expression: " + Trim(v.expression);
  }

  void Report(std::size_t i, const std::string& message) {
    Finding f;
    f.rule = "policy/" + p_.name + "/" + std::to_string(i);
    f.type = "Policy";
    f.path = p_.ValidationPath(static_cast<int>(i), kind_);
    f.reason =
        p_.validations[i].reason.empty() ? "Invalid" : p_.validations[i].reason;
    std::string warned = "Validation failed for ValidatingAdmissionPolicy '" +
                         p_.name + "' with binding '" + b_.name +
                         "': " + message;
    if (HasAction(b_, "Deny")) {
      f.message = DeniedPrefix() + message;
      result_->findings.push_back(f);
    }
    f.severity = Severity::kWarning;
    f.message = warned;
    if (HasAction(b_, "Warn")) result_->findings.push_back(f);
    if (HasAction(b_, "Audit")) {
      f.audit = true;
      result_->findings.push_back(f);
      RecordAuditFailure(i, message);
    }
  }

  // The API server's audit annotation for Audit actions: a JSON list of
  // every failure under one key.
  void RecordAuditFailure(std::size_t i, const std::string& message) {
    std::string& slot = result_->audit_annotations[kAuditFailureKey];
    nlohmann::json list = slot.empty()
                              ? nlohmann::json::array()
                              : nlohmann::json::parse(slot, nullptr, false);
    if (!list.is_array()) list = nlohmann::json::array();
    list.push_back({{"message", message},
                    {"policy", p_.name},
                    {"binding", b_.name},
                    {"expressionIndex", i},
                    {"validationActions", b_.validation_actions}});
    slot = list.dump();
  }

  void RunAuditAnnotations(const cel::Activation& act) {
    for (std::size_t i = 0; i < c_.audit_values.size(); ++i) {
      const AuditAnnotation& a = p_.audit_annotations[i];
      cel::Value v = c_.audit_values[i]->Eval(act);
      if (v.IsNull()) continue;  // null means "no annotation"
      if (v.kind() == cel::Value::Kind::kString) {
        std::string value(v.string_value());
        if (!value.empty()) {
          result_->audit_annotations[p_.name + "/" + a.key] = value;
        }
        continue;
      }
      std::string why =
          v.IsError() ? std::string(v.error_message())
                      : "must evaluate to string or null, got " + v.TypeName();
      ConfigFailure("valueExpression '" + Trim(a.value_expression) +
                    "' of auditAnnotations[" + std::to_string(i) +
                    "] resulted in error: " + why);
    }
  }

  const CompiledPolicy& c_;
  const ValidatingAdmissionPolicy& p_;
  const ValidatingAdmissionPolicyBinding& b_;
  CheckResult* result_;
  std::string kind_;
};

}  // namespace

void PolicyEngine::Evaluate(const Resource& resource,
                            CheckResult* result) const {
  RequestAttributes attributes = AttributesOf(resource);
  std::optional<nlohmann::json> request;  // built on first match
  for (const auto& c : policies_) {
    if (!MatchResourcesMatches(c->policy.match_constraints, attributes)) {
      continue;
    }
    for (const ValidatingAdmissionPolicyBinding& b : c->bindings) {
      if (b.match_resources &&
          !MatchResourcesMatches(*b.match_resources, attributes)) {
        continue;
      }
      if (!request) request = BuildRequest(resource, attributes);
      BindingRun run(*c, b, result);
      if (!c->policy.param_kind) {
        run.Run(resource, *request, nullptr);
        continue;
      }
      auto params = params_.Find(*c->policy.param_kind, *b.param_ref,
                                 attributes.namespace_name);
      if (params.empty()) {
        // parameterNotFoundAction Deny leaves the decision to failurePolicy.
        if (b.param_ref->parameter_not_found_action == "Deny") {
          run.ConfigFailure(
              "failed to configure binding: no params found for policy "
              "binding with `Deny` parameterNotFoundAction");
        }
        continue;
      }
      for (const nlohmann::json* p : params) run.Run(resource, *request, p);
    }
  }
}

}  // namespace rayguard::policy
