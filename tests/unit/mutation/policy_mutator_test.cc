// MutatingAdmissionPolicy loading and dispatch: the API server's rules for
// bindings, params, failurePolicy, ordering and reinvocation.
#include "webhook/mutation/policy_mutator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "webhook/mutation/mutating_policy_loader.h"
#include "webhook/mutation/mutation_system.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::mutation {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A policy header matching RayClusters; `spec` continues it.
std::string Policy(const std::string& name, const std::string& spec,
                   const std::string& api = "v1beta1") {
  return "apiVersion: admissionregistration.k8s.io/" + api +
         "\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: " + name +
         "\nspec:\n  matchConstraints:\n    resourceRules:\n"
         "    - apiGroups: [ray.io]\n      apiVersions: [v1]\n"
         "      operations: [CREATE]\n      resources: [rayclusters]\n" +
         spec + "---\napiVersion: admissionregistration.k8s.io/" + api +
         "\nkind: MutatingAdmissionPolicyBinding\nmetadata:\n  name: " + name +
         "-binding\nspec:\n  policyName: " + name + "\n---\n";
}

// A JSONPatch mutation.
std::string JsonPatch(const std::string& expression) {
  return "  mutations:\n  - patchType: JSONPatch\n    jsonPatch:\n"
         "      expression: >-\n        " +
         expression + "\n";
}

struct Loaded {
  std::vector<policy::LoadError> errors;
  std::unique_ptr<MutationSystem> system;
  std::string ErrorText() const {
    std::string out;
    for (const auto& e : errors) out += e.ToString() + "\n";
    return out;
  }
};

Loaded Load(const std::string& yaml, policy::ParamStore params = {}) {
  Loaded out;
  auto docs = policy::ParseYamlDocuments(yaml, "policy.yaml");
  EXPECT_TRUE(docs.ok()) << docs.status().message();
  if (!docs.ok()) return out;
  MutatingPolicyObjects objects;
  ParseMutatingPolicyDocuments("policy.yaml", *docs, &objects, &out.errors);
  auto mutators = CompileMutatingPolicies(
      std::move(objects),
      std::make_shared<const policy::ParamStore>(std::move(params)), nullptr,
      /*skip_invalid=*/true, &out.errors);
  if (mutators.ok()) {
    out.system = std::make_unique<MutationSystem>(std::move(mutators).value());
  }
  return out;
}

json Cluster() {
  return json::parse(R"({"apiVersion":"ray.io/v1","kind":"RayCluster",
    "metadata":{"name":"c","namespace":"ml","labels":{"app":"x"}},
    "spec":{"headGroupSpec":{"rayStartParams":{}}}})");
}

struct Outcome {
  Status status;
  json object;
  CheckResult result;
};

Outcome MutateWith(const MutationSystem& system, json object = Cluster()) {
  Resource r;
  r.object = object;
  Outcome out{Status::Ok(), std::move(object), {}};
  out.status = system.Mutate(r, &out.object, &out.result);
  return out;
}

TEST(PolicyMutatorTest, AppliesJsonPatchesWithEscapedKeys) {
  Loaded l = Load(
      Policy("labels",
             JsonPatch("[JSONPatch{op: 'add', path: '/metadata/labels/' + "
                       "jsonpatch.escapeKey('ray.io/team'), value: 'ml'}]")));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  Outcome o = MutateWith(*l.system);
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(o.object["metadata"]["labels"]["ray.io/team"], "ml");
  EXPECT_TRUE(o.result.findings.empty());
}

TEST(PolicyMutatorTest, MergesApplyConfigurationsAndAcceptsV1) {
  Loaded l = Load(Policy("cpus",
                         "  mutations:\n  - patchType: ApplyConfiguration\n"
                         "    applyConfiguration:\n      expression: >-\n"
                         "        Object{spec: Object.spec{headGroupSpec: "
                         "Object.spec.headGroupSpec{rayStartParams: "
                         "{'num-cpus': '0'}}}}\n",
                         "v1"));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  Outcome o = MutateWith(*l.system);
  ASSERT_TRUE(o.status.ok()) << o.status.message();
  EXPECT_EQ(o.object["spec"]["headGroupSpec"]["rayStartParams"],
            json({{"num-cpus", "0"}}));
}

TEST(PolicyMutatorTest, RunsPoliciesInNameOrder) {
  Loaded l = Load(
      Policy("b-second", JsonPatch("[JSONPatch{op: 'replace', path: "
                                   "'/metadata/labels/app', value: "
                                   "object.metadata.labels.app + '-b'}]")) +
      Policy("a-first", JsonPatch("[JSONPatch{op: 'replace', path: "
                                  "'/metadata/labels/app', value: "
                                  "object.metadata.labels.app + '-a'}]")));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  Outcome o = MutateWith(*l.system);
  EXPECT_EQ(o.object["metadata"]["labels"]["app"], "x-a-b");
}

TEST(PolicyMutatorTest, PoliciesThatNeverSettleAreAnError) {
  std::string flip =
      "  reinvocationPolicy: IfNeeded\n" +
      JsonPatch(
          "[JSONPatch{op: 'replace', path: '/metadata/labels/app', "
          "value: object.metadata.labels.app == 'x' ? 'y' : 'x'}]");
  Loaded l = Load(Policy("flip", flip));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  Outcome o = MutateWith(*l.system);
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(o.status.message(), HasSubstr("policy/flip"));
}

TEST(PolicyMutatorTest, FailurePolicyFailDeniesAndIgnoreSkips) {
  std::string bad = JsonPatch(
      "[JSONPatch{op: 'replace', path: '/spec/missing/field', value: 1}]");
  Loaded fail = Load(Policy("strict", bad));
  Loaded ignore = Load(Policy("lenient", "  failurePolicy: Ignore\n" + bad));
  ASSERT_TRUE(fail.errors.empty() && ignore.errors.empty());
  Outcome denied = MutateWith(*fail.system);
  ASSERT_EQ(denied.result.findings.size(), 1u);
  const Finding& f = denied.result.findings[0];
  EXPECT_EQ(f.rule, "policy/strict");
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_EQ(f.message,
            "MutatingAdmissionPolicy 'strict' with binding 'strict-binding' "
            "denied request: mutations[0].jsonPatch.expression: patch "
            "operation 0 (replace /spec/missing/field): member \"missing\" "
            "not found");
  Outcome ignored = MutateWith(*ignore.system);
  EXPECT_TRUE(ignored.result.findings.empty());
  EXPECT_EQ(ignored.object, Cluster());
}

TEST(PolicyMutatorTest, WrongResultTypeIsAFailure) {
  Loaded l = Load(Policy("typo", JsonPatch("{'op': 'add'}")));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  Outcome o = MutateWith(*l.system);
  ASSERT_EQ(o.result.findings.size(), 1u);
  EXPECT_THAT(o.result.findings[0].message,
              HasSubstr("must evaluate to a list of JSONPatch, got map"));
}

TEST(PolicyMutatorTest, MissingParamsDenyOrAllowAsTheBindingSays) {
  std::string spec = "  paramKind: {apiVersion: v1, kind: ConfigMap}\n" +
                     JsonPatch(
                         "[JSONPatch{op: 'add', path: "
                         "'/metadata/labels/team', value: "
                         "params.data.team}]");
  auto with_ref = [&](const std::string& action) {
    std::string y = Policy("p", spec);
    y.insert(y.rfind("---"),
             "  paramRef:\n    name: defaults\n"
             "    parameterNotFoundAction: " +
                 action + "\n");
    return y;
  };
  Outcome denied = MutateWith(*Load(with_ref("Deny")).system);
  ASSERT_EQ(denied.result.findings.size(), 1u);
  EXPECT_THAT(denied.result.findings[0].message, HasSubstr("no params found"));
  EXPECT_TRUE(
      MutateWith(*Load(with_ref("Allow")).system).result.findings.empty());
  policy::ParamStore params;
  params.Add(json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
    "metadata":{"name":"defaults","namespace":"ml"},"data":{"team":"vision"}})"));
  Outcome found = MutateWith(*Load(with_ref("Deny"), std::move(params)).system);
  EXPECT_EQ(found.object["metadata"]["labels"]["team"], "vision");
}

TEST(PolicyMutatorTest, MatchConditionsAndOtherKindsSkip) {
  Loaded l = Load(Policy(
      "cond",
      "  matchConditions:\n  - name: only-team-x\n"
      "    expression: object.metadata.labels.app == 'team-x'\n" +
          JsonPatch("[JSONPatch{op: 'add', path: '/metadata/labels/seen', "
                    "value: 'yes'}]")));
  ASSERT_TRUE(l.errors.empty()) << l.ErrorText();
  EXPECT_EQ(MutateWith(*l.system).object, Cluster());
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "p"}, {"labels", {{"app", "team-x"}}}}}};
  EXPECT_EQ(MutateWith(*l.system, pod).object, pod);
  json x = Cluster();
  x["metadata"]["labels"]["app"] = "team-x";
  EXPECT_EQ(MutateWith(*l.system, x).object["metadata"]["labels"]["seen"],
            "yes");
}

TEST(MutatingPolicyLoaderTest, ExplainsEveryFaultWithItsField) {
  std::string yaml =
      Policy("no-expression",
             "  mutations:\n  - patchType: JSONPatch\n"
             "    applyConfiguration: {expression: 'Object{}'}\n") +
      Policy("bad-enum",
             "  reinvocationPolicy: Sometimes\n" + JsonPatch("[]")) +
      Policy("bad-cel", JsonPatch("[JSONPatch{op: 'add',, }]")) +
      "apiVersion: admissionregistration.k8s.io/v1beta1\n"
      "kind: MutatingAdmissionPolicyBinding\nmetadata: {name: orphan}\n"
      "spec: {policyName: nowhere}\n";
  Loaded l = Load(yaml);
  std::string text = l.ErrorText();
  EXPECT_THAT(text, HasSubstr("MutatingAdmissionPolicy \"no-expression\": "
                              "spec.mutations[0].applyConfiguration: "
                              "Forbidden"));
  EXPECT_THAT(text, HasSubstr("spec.mutations[0].jsonPatch: Required value"));
  EXPECT_THAT(text, HasSubstr("spec.reinvocationPolicy: Unsupported value"));
  EXPECT_THAT(text,
              HasSubstr("\"bad-cel\": spec.mutations[0].jsonPatch.expression"));
  EXPECT_THAT(text, HasSubstr("MutatingAdmissionPolicyBinding \"orphan\": "
                              "spec.policyName: Not found"));
  ASSERT_NE(l.system, nullptr);
  EXPECT_EQ(l.system->size(), 0u);  // every faulty policy left out
}

}  // namespace
}  // namespace rayguard::mutation
