#ifndef RAYGUARD_POLICY_POLICY_H_
#define RAYGUARD_POLICY_POLICY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "webhook/core/resource.h"

namespace rayguard::policy {

// Typed admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding, as read from YAML. Field names follow the
// Kubernetes API; defaults are applied by the loader as the API server would.

// Where a policy object came from, for load errors and reports.
struct Origin {
  std::string file;
  int document = 0;
  std::shared_ptr<const SourceMap> source_map;

  // Line/column of the node at JSON Pointer `pointer` (or an ancestor).
  SourcePosition PositionOf(const std::string& pointer) const;
};

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};

// metav1.LabelSelector. An empty selector matches everything.
struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;

  bool empty() const {
    return match_labels.empty() && match_expressions.empty();
  }
};

struct ResourceRule {  // NamedRuleWithOperations
  std::vector<std::string> resource_names;
  std::vector<std::string> operations;  // CREATE UPDATE DELETE CONNECT *
  std::vector<std::string> api_groups;
  std::vector<std::string> api_versions;
  std::vector<std::string> resources;  // plural, "*", "x/sub", "*/*"
  std::string scope = "*";             // Cluster, Namespaced, *
};

struct MatchResources {
  LabelSelector namespace_selector;
  LabelSelector object_selector;
  std::vector<ResourceRule> resource_rules;
  std::vector<ResourceRule> exclude_resource_rules;
  std::string match_policy = "Equivalent";  // or Exact
};

// A named CEL expression (matchConditions, variables).
struct NamedExpression {
  std::string name;
  std::string expression;
};

struct Validation {
  std::string expression;
  std::string message;
  std::string message_expression;
  std::string
      reason;  // Unauthorized, Forbidden, Invalid, RequestEntityTooLarge
};

struct AuditAnnotation {
  std::string key;
  std::string value_expression;
};

struct ParamKind {
  std::string api_version;
  std::string kind;
};

struct ValidatingAdmissionPolicy {
  std::string name;
  Origin origin;
  std::optional<ParamKind> param_kind;
  MatchResources match_constraints;
  std::vector<Validation> validations;
  std::string failure_policy = "Fail";  // or Ignore
  std::vector<AuditAnnotation> audit_annotations;
  std::vector<NamedExpression> match_conditions;
  std::vector<NamedExpression> variables;
  // Validation index -> kind -> field path to report, from the
  // rayguard.io/validation-paths annotation (see policies/README.md). The
  // kind "" applies to every kind.
  std::map<int, std::map<std::string, std::string>> validation_paths;

  // The path to report for validation `index` of an object of `kind`, or "".
  std::string ValidationPath(int index, const std::string& kind) const {
    auto v = validation_paths.find(index);
    if (v == validation_paths.end()) return "";
    auto k = v->second.find(kind);
    if (k == v->second.end()) k = v->second.find("");
    return k == v->second.end() ? "" : k->second;
  }
};

struct ParamRef {
  std::string name;
  std::string namespace_name;
  std::optional<LabelSelector> selector;
  std::string parameter_not_found_action = "Deny";  // or Allow
};

struct ValidatingAdmissionPolicyBinding {
  std::string name;
  Origin origin;
  std::string policy_name;
  std::optional<ParamRef> param_ref;
  std::optional<MatchResources> match_resources;
  std::vector<std::string> validation_actions;  // Deny, Warn, Audit
};

// The annotation an author sets on a policy to attach field paths to
// validations: a JSON object from validation index to a field path, or to an
// object from kind to field path, e.g.
// {"0": "metadata.labels",
//  "1": {"RayCluster": "spec.rayVersion",
//        "RayJob": "spec.rayClusterSpec.rayVersion"}}.
inline constexpr char kValidationPathsAnnotation[] =
    "rayguard.io/validation-paths";

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_POLICY_H_
