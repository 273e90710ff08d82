#include "webhook/policy/policy_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::policy {
namespace {

using ::testing::HasSubstr;

struct Loaded {
  PolicyObjects objects;
  std::vector<LoadError> errors;
};

Loaded Load(const std::string& yaml) {
  Loaded out;
  auto docs = ParseYamlDocuments(yaml, "p.yaml");
  EXPECT_TRUE(docs.ok()) << docs.status().message();
  if (docs.ok())
    ParsePolicyDocuments("p.yaml", *docs, &out.objects, &out.errors);
  return out;
}

constexpr char kPolicy[] = R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: max-workers
  annotations:
    rayguard.io/validation-paths: >-
      {"0": {"RayCluster": "spec.workerGroupSpecs",
             "RayJob": "spec.rayClusterSpec.workerGroupSpecs"}}
spec:
  paramKind: {apiVersion: rayguard.io/v1, kind: Limits}
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  variables:
  - name: groups
    expression: object.spec.workerGroupSpecs
  validations:
  - expression: variables.groups.size() < 5
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-workers}
spec:
  policyName: max-workers
  validationActions: [Warn, Audit]
  paramRef: {name: limits, parameterNotFoundAction: Allow}
)";

TEST(PolicyLoaderTest, ReadsPolicyAndBindingWithDefaults) {
  Loaded l = Load(kPolicy);
  ASSERT_TRUE(l.errors.empty()) << l.errors[0].ToString();
  ASSERT_EQ(l.objects.policies.size(), 1u);
  const ValidatingAdmissionPolicy& p = l.objects.policies[0];
  EXPECT_EQ(p.name, "max-workers");
  EXPECT_EQ(p.failure_policy, "Fail");
  EXPECT_EQ(p.match_constraints.match_policy, "Equivalent");
  EXPECT_EQ(p.match_constraints.resource_rules[0].scope, "*");
  ASSERT_TRUE(p.param_kind.has_value());
  EXPECT_EQ(p.param_kind->kind, "Limits");
  EXPECT_EQ(p.validations[0].reason, "Forbidden");
  EXPECT_EQ(p.variables[0].name, "groups");
  EXPECT_EQ(p.ValidationPath(0, "RayCluster"), "spec.workerGroupSpecs");
  EXPECT_EQ(p.ValidationPath(0, "RayJob"),
            "spec.rayClusterSpec.workerGroupSpecs");
  EXPECT_EQ(p.ValidationPath(0, "RayService"), "");
  EXPECT_EQ(p.ValidationPath(1, "RayCluster"), "");
  EXPECT_EQ(p.origin.document, 0);
  ASSERT_EQ(l.objects.bindings.size(), 1u);
  const ValidatingAdmissionPolicyBinding& b = l.objects.bindings[0];
  EXPECT_EQ(b.origin.document, 1);
  EXPECT_EQ(b.validation_actions, (std::vector<std::string>{"Warn", "Audit"}));
  ASSERT_TRUE(b.param_ref.has_value());
  EXPECT_EQ(b.param_ref->name, "limits");
  EXPECT_EQ(b.param_ref->parameter_not_found_action, "Allow");
}

TEST(PolicyLoaderTest, ErrorsNameFileDocumentPolicyFieldLineAndColumn) {
  std::string yaml = kPolicy;
  yaml.replace(yaml.find("reason: Forbidden"), 17, "reason: Nope");
  Loaded l = Load(yaml);
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].ToString(),
            "p.yaml:22:13: document 0: ValidatingAdmissionPolicy "
            "\"max-workers\": spec.validations[0].reason: Unsupported value: "
            "\"Nope\": supported values: \"Forbidden\", \"Invalid\", "
            "\"RequestEntityTooLarge\", \"Unauthorized\"");
  EXPECT_TRUE(l.objects.policies.empty());
  EXPECT_EQ(l.objects.bindings.size(), 1u);
}

// Found by fuzz_policy: a NUL in a quoted scalar kept yaml-cpp from ever
// returning. Such a file is now an error at the character.
TEST(PolicyLoaderTest, ControlCharactersAreAnErrorNotAHang) {
  std::string yaml = kPolicy;
  yaml.replace(yaml.find("reason: Forbidden"), 17,
               std::string("reason: \"Forb\x02\0\0idden\"", 22));
  auto docs = ParseYamlDocuments(yaml, "p.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().message(),
            "p.yaml:22:18: control characters are not allowed");
}

// The API server accepts `authorizer` in a policy; so does the loader (what
// its checks evaluate to offline is the engine's concern).
TEST(PolicyLoaderTest, AcceptsAuthorizer) {
  std::string yaml = kPolicy;
  yaml.replace(yaml.find("variables.groups.size() < 5"), 27,
               "authorizer.group('').resource('x').check('get').allowed()");
  Loaded l = Load(yaml);
  EXPECT_TRUE(l.errors.empty()) << l.errors[0].message;
}

TEST(PolicyLoaderTest, ReportsEveryFaultOfABinding) {
  Loaded l = Load(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec:
  validationActions: [Deny, Warn, Bogus]
  paramRef: {name: a, selector: {}}
  extra: 1
)");
  std::vector<std::string> got;
  for (const LoadError& e : l.errors) got.push_back(e.field + ": " + e.message);
  EXPECT_THAT(got, ::testing::UnorderedElementsAre(
                       HasSubstr("spec.extra: unknown field"),
                       HasSubstr("spec.policyName: Required value"),
                       HasSubstr("spec.paramRef: Invalid value: exactly one"),
                       HasSubstr("spec.paramRef.parameterNotFoundAction: "
                                 "Required value"),
                       HasSubstr("spec.validationActions[2]: Unsupported"),
                       HasSubstr("must not contain both Deny and Warn")));
  EXPECT_TRUE(l.objects.bindings.empty());
}

TEST(PolicyLoaderTest, PolicyNeedsRulesAndChecks) {
  Loaded l = Load(R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: empty}
spec:
  matchConstraints: {}
  failurePolicy: Sometimes
)");
  std::vector<std::string> fields;
  for (const LoadError& e : l.errors) fields.push_back(e.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "spec.matchConstraints.resourceRules",
                          "spec.validations", "spec.failurePolicy"));
}

TEST(PolicyLoaderTest, MisspeltAdmissionKindsAreErrorsOtherObjectsAreSkipped) {
  Loaded l = Load(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: x}
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata: {name: m}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBindng
metadata: {name: typo}
)");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].document, 2);
  EXPECT_THAT(l.errors[0].message,
              HasSubstr("kind \"ValidatingAdmissionPolicyBindng\""));
}

TEST(PolicyLoaderTest, DuplicateVariableNamesAndBadIdentifiers) {
  std::string yaml = kPolicy;
  yaml.replace(yaml.find("  validations:"), 0,
               "  - name: groups\n    expression: '1'\n"
               "  - name: bad-name\n    expression: '2'\n");
  Loaded l = Load(yaml);
  ASSERT_EQ(l.errors.size(), 2u);
  EXPECT_EQ(l.errors[0].field, "spec.variables[1].name");
  EXPECT_THAT(l.errors[0].message, HasSubstr("Duplicate value"));
  EXPECT_EQ(l.errors[1].field, "spec.variables[2].name");
}

}  // namespace
}  // namespace rayguard::policy
