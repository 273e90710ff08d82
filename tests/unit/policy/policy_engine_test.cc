#include "webhook/policy/policy_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::policy {
namespace {

using ::testing::HasSubstr;

// A policy over RayClusters with `spec` spliced in, and its binding.
std::string PolicyYaml(const std::string& spec_extra,
                       const std::string& binding_extra = "",
                       const std::string& actions = "[Deny]") {
  return R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [ray.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [rayclusters]}
)" + spec_extra +
         R"(
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec:
  policyName: p
  validationActions: )" +
         actions + "\n" + binding_extra;
}

constexpr char kWorkersUnderThree[] = R"(  validations:
  - expression: size(object.spec.workerGroupSpecs) < 3
    message: too many groups
    reason: Forbidden)";

Result<std::unique_ptr<const PolicyEngine>> Build(const std::string& yaml,
                                                  ParamStore params = {},
                                                  bool skip = false) {
  PolicyObjects objects;
  std::vector<LoadError> errors;
  auto docs = ParseYamlDocuments(yaml, "p.yaml");
  EXPECT_TRUE(docs.ok()) << docs.status().message();
  ParsePolicyDocuments("p.yaml", *docs, &objects, &errors);
  return PolicyEngine::Create(std::move(objects), std::move(params), {skip, ""},
                              &errors);
}

Resource Cluster(int groups, std::string ns = "ml") {
  Resource r;
  r.object = {{"apiVersion", "ray.io/v1"},
              {"kind", "RayCluster"},
              {"metadata", {{"name", "c"}, {"namespace", ns}}},
              {"spec", {{"workerGroupSpecs", nlohmann::json::array()}}}};
  for (int i = 0; i < groups; ++i) {
    r.object["spec"]["workerGroupSpecs"].push_back({{"groupName", "g"}});
  }
  return r;
}

CheckResult Eval(const PolicyEngine& engine, const Resource& r) {
  CheckResult result;
  engine.Evaluate(r, &result);
  return result;
}

TEST(PolicyEngineTest, DenyFindingCitesPolicyBindingAndReason) {
  auto engine = Build(PolicyYaml(kWorkersUnderThree));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_TRUE(Eval(**engine, Cluster(2)).findings.empty());
  CheckResult r = Eval(**engine, Cluster(3));
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.rule, "policy/p/0");
  EXPECT_EQ(f.type, "Policy");
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_EQ(f.reason, "Forbidden");
  EXPECT_EQ(f.message,
            "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: "
            "too many groups");
  EXPECT_FALSE(r.allowed());
}

TEST(PolicyEngineTest, WarnAndAuditGiveTwoFindingsAndAnAnnotation) {
  auto engine = Build(PolicyYaml(kWorkersUnderThree, "", "[Warn, Audit]"));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  CheckResult r = Eval(**engine, Cluster(3));
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].severity, Severity::kWarning);
  EXPECT_FALSE(r.findings[0].audit);
  EXPECT_EQ(r.findings[1].severity, Severity::kWarning);
  EXPECT_TRUE(r.findings[1].audit);
  EXPECT_THAT(r.findings[0].message,
              HasSubstr("Validation failed for ValidatingAdmissionPolicy 'p' "
                        "with binding 'b': too many groups"));
  EXPECT_TRUE(r.allowed());
  auto audit = nlohmann::json::parse(r.audit_annotations.at(
      "validation.policy.admission.k8s.io/validation_failure"));
  EXPECT_EQ(audit[0]["policy"], "p");
  EXPECT_EQ(audit[0]["binding"], "b");
  EXPECT_EQ(audit[0]["expressionIndex"], 0);
  EXPECT_EQ(audit[0]["validationActions"],
            nlohmann::json::array({"Warn", "Audit"}));
}

TEST(PolicyEngineTest, OperationsAndBindingMatchResourcesNarrow) {
  auto engine = Build(PolicyYaml(kWorkersUnderThree, R"(  matchResources:
    namespaceSelector:
      matchLabels: {kubernetes.io/metadata.name: prod})"));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_TRUE(Eval(**engine, Cluster(5, "dev")).findings.empty());
  EXPECT_EQ(Eval(**engine, Cluster(5, "prod")).findings.size(), 1u);
  Resource deleted = Cluster(5, "prod");
  deleted.admission.operation = "DELETE";
  EXPECT_TRUE(Eval(**engine, deleted).findings.empty());
}

TEST(PolicyEngineTest, FalseMatchConditionSkipsThePolicy) {
  auto engine = Build(PolicyYaml(std::string(R"(  matchConditions:
  - name: big
    expression: size(object.spec.workerGroupSpecs) > 3
)") + kWorkersUnderThree));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_TRUE(Eval(**engine, Cluster(3)).findings.empty());
  EXPECT_EQ(Eval(**engine, Cluster(4)).findings.size(), 1u);
}

TEST(PolicyEngineTest, MatchConditionErrorFollowsFailurePolicy) {
  std::string cond = R"(  matchConditions:
  - name: broken
    expression: object.spec.missing.field == 1
)";
  auto fail = Build(PolicyYaml(cond + kWorkersUnderThree));
  ASSERT_TRUE(fail.ok()) << fail.status().message();
  CheckResult r = Eval(**fail, Cluster(0));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "policy/p");
  EXPECT_EQ(r.findings[0].severity, Severity::kError);
  EXPECT_THAT(r.findings[0].message, HasSubstr("matchCondition 'broken'"));
  auto ignore = Build(
      PolicyYaml("  failurePolicy: Ignore\n" + cond + kWorkersUnderThree));
  ASSERT_TRUE(ignore.ok());
  EXPECT_TRUE(Eval(**ignore, Cluster(5)).findings.empty());
}

TEST(PolicyEngineTest, ValidationErrorFollowsFailurePolicyAndActions) {
  std::string v = R"(  validations:
  - expression: object.spec.nope > 1
)";
  auto fail = Build(PolicyYaml(v));
  ASSERT_TRUE(fail.ok()) << fail.status().message();
  CheckResult r = Eval(**fail, Cluster(0));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "policy/p/0");
  EXPECT_THAT(r.findings[0].message,
              HasSubstr("expression 'object.spec.nope > 1' resulted in error"));
  // Where it failed: the '.' before nope.
  EXPECT_THAT(r.findings[0].message, HasSubstr("no such key: nope (at 1:12)"));
  auto ignore = Build(PolicyYaml("  failurePolicy: Ignore\n" + v));
  ASSERT_TRUE(ignore.ok());
  EXPECT_TRUE(Eval(**ignore, Cluster(0)).findings.empty());
}

// Offline there is no authorizer to ask: a policy using it compiles, and its
// check is an evaluation error, so the policy's failurePolicy decides.
TEST(PolicyEngineTest, AuthorizerChecksFollowFailurePolicy) {
  const std::string v = R"(  validations:
  - expression: authorizer.group('ray.io').resource('rayclusters').check('create').allowed()
)";
  auto fail = Build(PolicyYaml(v));
  ASSERT_TRUE(fail.ok()) << fail.status().message();
  CheckResult r = Eval(**fail, Cluster(0));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].severity, Severity::kError);
  EXPECT_THAT(r.findings[0].message, HasSubstr("authorizer"));
  EXPECT_FALSE(r.allowed());
  auto ignore = Build(PolicyYaml("  failurePolicy: Ignore\n" + v));
  ASSERT_TRUE(ignore.ok()) << ignore.status().message();
  EXPECT_TRUE(Eval(**ignore, Cluster(0)).allowed());
}

TEST(PolicyEngineTest, MessageExpressionAndDefaultMessage) {
  auto engine = Build(PolicyYaml(R"(  variables:
  - name: count
    expression: size(object.spec.workerGroupSpecs)
  validations:
  - expression: variables.count < 2
    messageExpression: "'has ' + string(variables.count) + ' groups'"
  - expression: " variables.count < 1 "
  - expression: variables.count < 1
    message: static
    messageExpression: "''")"));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  CheckResult r = Eval(**engine, Cluster(2));
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_THAT(r.findings[0].message, HasSubstr("denied request: has 2 groups"));
  EXPECT_THAT(
      r.findings[1].message,
      HasSubstr("denied request: failed expression: variables.count < 1"));
  EXPECT_THAT(r.findings[2].message, HasSubstr("denied request: static"));
}

TEST(PolicyEngineTest, VariablesAreLazyAndCyclesAreErrors) {
  // `boom` would fail if evaluated; nothing uses it.
  auto engine = Build(PolicyYaml(R"(  variables:
  - name: boom
    expression: object.spec.nope
  - name: a
    expression: variables.b
  - name: b
    expression: variables.a
  validations:
  - expression: "true"
  - expression: variables.a == 1)"));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  CheckResult r = Eval(**engine, Cluster(0));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "policy/p/1");
  EXPECT_THAT(r.findings[0].message, HasSubstr("refers to itself"));
}

TEST(PolicyEngineTest, AuditAnnotationsAreKeyedByPolicy) {
  auto engine = Build(PolicyYaml(R"y(  auditAnnotations:
  - key: groups
    valueExpression: "'groups: ' + string(size(object.spec.workerGroupSpecs))"
  - key: never
    valueExpression: "null")y"));
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  CheckResult r = Eval(**engine, Cluster(2));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.audit_annotations,
            (std::map<std::string, std::string>{{"p/groups", "groups: 2"}}));
}

constexpr char kParamPolicy[] =
    R"(  paramKind: {apiVersion: v1, kind: ConfigMap}
  validations:
  - expression: size(object.spec.workerGroupSpecs) <= int(params.data.max)
    messageExpression: "'at most ' + params.data.max")";

ParamStore Limits() {
  ParamStore store;
  store.Add({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "limits"}, {"namespace", "ml"}}},
             {"data", {{"max", "2"}}}});
  return store;
}

TEST(PolicyEngineTest, ParamsAreLookedUpInTheObjectsNamespace) {
  auto engine = Build(PolicyYaml(kParamPolicy, R"(  paramRef:
    name: limits
    parameterNotFoundAction: Deny)"),
                      Limits());
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_TRUE(Eval(**engine, Cluster(2)).findings.empty());
  CheckResult r = Eval(**engine, Cluster(3));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_THAT(r.findings[0].message, HasSubstr("at most 2"));
}

TEST(PolicyEngineTest, ParamNotFoundFollowsActionThenFailurePolicy) {
  std::string ref =
      "  paramRef:\n    name: other\n"
      "    parameterNotFoundAction: ";
  auto allow = Build(PolicyYaml(kParamPolicy, ref + "Allow"), Limits());
  ASSERT_TRUE(allow.ok()) << allow.status().message();
  EXPECT_TRUE(Eval(**allow, Cluster(9)).findings.empty());
  auto deny = Build(PolicyYaml(kParamPolicy, ref + "Deny"), Limits());
  ASSERT_TRUE(deny.ok());
  CheckResult r = Eval(**deny, Cluster(0));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "policy/p");
  EXPECT_THAT(r.findings[0].message, HasSubstr("no params found"));
  auto ignored =
      Build(PolicyYaml("  failurePolicy: Ignore\n" + std::string(kParamPolicy),
                       ref + "Deny"),
            Limits());
  ASSERT_TRUE(ignored.ok());
  EXPECT_TRUE(Eval(**ignored, Cluster(0)).findings.empty());
}

TEST(PolicyEngineTest, CompileErrorsNameTheFieldAndFailTheLoad) {
  auto engine = Build(PolicyYaml(R"(  validations:
  - expression: "true"
  - expression: object.spec.(
)"));
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(),
              HasSubstr("p.yaml:10:17: document 0: ValidatingAdmissionPolicy "
                        "\"p\": spec.validations[1].expression: "));
}

TEST(PolicyEngineTest, SkipInvalidLeavesOutAndCounts) {
  std::string yaml = PolicyYaml("  validations:\n  - expression: nope(\n") +
                     "---\n" + PolicyYaml(kWorkersUnderThree);
  // The second policy reuses the names p/b: rename it.
  yaml.replace(yaml.rfind("name: p}"), 8, "name: q}");
  yaml.replace(yaml.rfind("name: b}"), 8, "name: c}");
  yaml.replace(yaml.rfind("policyName: p"), 13, "policyName: q");
  auto engine = Build(yaml, {}, /*skip=*/true);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_EQ((*engine)->counts().policies, 1);
  EXPECT_EQ((*engine)->counts().bindings, 1);
  EXPECT_EQ((*engine)->counts().skipped_policies, 1);
  EXPECT_EQ((*engine)->counts().skipped_bindings, 1);
  EXPECT_EQ(Eval(**engine, Cluster(3)).findings.size(), 1u);
}

TEST(PolicyEngineTest, BindingOfUnknownPolicyIsALoadError) {
  std::string yaml = PolicyYaml(kWorkersUnderThree);
  yaml.replace(yaml.rfind("policyName: p"), 13, "policyName: x");
  auto engine = Build(yaml);
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(engine.status().message(),
              HasSubstr("spec.policyName: Not found: \"x\""));
}

}  // namespace
}  // namespace rayguard::policy
