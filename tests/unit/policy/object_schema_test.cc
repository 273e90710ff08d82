// Schema-aware field checks at policy load: expressions of a policy that
// matches only Ray kinds are compiled against those kinds' generated schemas.
#include "webhook/policy/object_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/fixtures.h"
#include "webhook/policy/policy_engine.h"

namespace rayguard::policy {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Schemas() { return rayguard::testing::SourcePath("schemas"); }

std::string Policy(const std::string& rule, const std::string& body) {
  return R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: groups
spec:
  matchConstraints:
    resourceRules:
    - )" +
         rule + "\n" + body;
}

constexpr char kRayClusters[] =
    "{apiGroups: [ray.io], apiVersions: [v1], operations: [CREATE], "
    "resources: [rayclusters]}";
constexpr char kClustersAndJobs[] =
    "{apiGroups: [ray.io], apiVersions: [v1], operations: [CREATE], "
    "resources: [rayclusters, rayjobs]}";

// The errors of loading `yaml` (file p.yaml) with the bundled schemas.
std::vector<LoadError> LoadErrors(const std::string& yaml,
                                  const std::string& schemas = Schemas()) {
  PolicyObjects objects;
  std::vector<LoadError> errors;
  auto docs = ParseYamlDocuments(yaml, "p.yaml");
  EXPECT_TRUE(docs.ok()) << docs.status().message();
  if (!docs.ok()) return errors;
  ParsePolicyDocuments("p.yaml", *docs, &objects, &errors);
  auto engine =
      PolicyEngine::Create(std::move(objects), {}, {false, schemas}, &errors);
  EXPECT_EQ(engine.ok(), errors.empty());
  return errors;
}

TEST(ObjectSchemaTest, UnknownFieldOfOneKindIsALoadErrorWithPositionAndHint) {
  auto errors = LoadErrors(Policy(kRayClusters, R"(  validations:
  - expression: size(object.spec.workerGroupSpec) < 3
)"));
  ASSERT_EQ(errors.size(), 1u);
  const LoadError& e = errors[0];
  EXPECT_EQ(e.file, "p.yaml");
  EXPECT_EQ(e.policy, "groups");
  EXPECT_EQ(e.field, "spec.validations[0].expression");
  EXPECT_EQ(e.position.line, 10);
  EXPECT_EQ(e.position.column, 17);
  EXPECT_THAT(e.message,
              HasSubstr("no field workerGroupSpec in RayClusterSpec; "
                        "did you mean workerGroupSpecs?"));
  EXPECT_THAT(e.message,
              HasSubstr(":1:17: "));  // the CEL column of the selection
  EXPECT_THAT(e.ToString(),
              HasSubstr("p.yaml:10:17: document 0: ValidatingAdmissionPolicy "
                        "\"groups\": spec.validations[0].expression: "));
}

TEST(ObjectSchemaTest, ChecksEveryExpressionField) {
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"  matchConditions:\n  - name: m\n    expression: "
       "has(object.spec.headGroupSpecs)\n  validations:\n  - expression: "
       "'true'\n",
       "spec.matchConditions[0].expression"},
      {"  variables:\n  - name: v\n    expression: object.spec.rayVerison\n"
       "  validations:\n  - expression: 'true'\n",
       "spec.variables[0].expression"},
      {"  validations:\n  - expression: 'true'\n    messageExpression: "
       "oldObject.spec.suspended\n",
       "spec.validations[0].messageExpression"},
      {"  validations:\n  - expression: 'true'\n  auditAnnotations:\n  - key: "
       "k\n    valueExpression: object.spec.workerGroupSpecs[0].replica\n",
       "spec.auditAnnotations[0].valueExpression"},
      {"  validations:\n  - expression: object.spec.workerGroupSpecs.all(g, "
       "g.maxReplica > 0)\n",
       "spec.validations[0].expression"},
  };
  for (const Case& c : cases) {
    auto errors = LoadErrors(Policy(kRayClusters, c.body));
    ASSERT_EQ(errors.size(), 1u) << c.body;
    EXPECT_EQ(errors[0].field, c.field);
    EXPECT_THAT(errors[0].message, HasSubstr("did you mean")) << c.field;
  }
}

TEST(ObjectSchemaTest, KnownFieldsAndOpenParts) {
  // metadata and podTemplate labels are open maps; rayStartParams a map.
  EXPECT_THAT(LoadErrors(Policy(kRayClusters, R"(  validations:
  - expression: >-
      object.metadata.labels.team != '' &&
      object.spec.headGroupSpec.rayStartParams.anything == '0' &&
      object.spec.workerGroupSpecs.all(g, g.template.spec.containers.all(c,
        c.resources.limits['nvidia.com/gpu'] == 1))
)")),
              IsEmpty());
}

TEST(ObjectSchemaTest, SeveralKindsAcceptEachKindsOwnFields) {
  // A policy for several kinds reads each kind's fields behind a kind test;
  // a field is unknown only when none of them declares it.
  EXPECT_THAT(LoadErrors(Policy(kClustersAndJobs, R"(  validations:
  - expression: >-
      (object.kind == 'RayJob' ? object.spec.rayClusterSpec : object.spec)
        .workerGroupSpecs.size() < 3 &&
      (object.kind != 'RayJob' || has(object.spec.rayClusterSpec))
)")),
              IsEmpty());
  auto errors = LoadErrors(Policy(kClustersAndJobs, R"(  validations:
  - expression: object.spec.rayClusterSpec.workerGroupSpec.size() < 3
)"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(
      errors[0].message,
      HasSubstr("no field workerGroupSpec in object.spec.rayClusterSpec;"
                " did you mean workerGroupSpecs?"));
}

TEST(ObjectSchemaTest, NoCheckWhenTheObjectCouldBeAnything) {
  const std::string body =
      "  validations:\n  - expression: has(object.spec.anything)\n";
  for (const char* rule : {
           "{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], "
           "resources: ['*']}",
           "{apiGroups: [''], apiVersions: [v1], operations: [CREATE], "
           "resources: [pods]}",
           "{apiGroups: [ray.io], apiVersions: [v1], operations: [UPDATE], "
           "resources: [rayclusters/status]}",
           "{apiGroups: [ray.io], apiVersions: [v1], operations: [CREATE], "
           "resources: [rayclusters, raywidgets]}",
       }) {
    EXPECT_THAT(LoadErrors(Policy(rule, body)), IsEmpty()) << rule;
  }
  // Nor without schemas.
  EXPECT_THAT(LoadErrors(Policy(kRayClusters, body), ""), IsEmpty());
}

TEST(ObjectSchemaTest, ExactMatchPolicyChecksOnlyTheNamedVersion) {
  MatchResources m;
  m.match_policy = "Exact";
  m.resource_rules.push_back(
      {{}, {"CREATE"}, {"ray.io"}, {"v1alpha1"}, {"rayclusters"}, "*"});
  ObjectSchema s = ObjectSchemaFor(m, Schemas());
  ASSERT_NE(s.schema, nullptr);
  EXPECT_EQ(s.kind, "RayCluster");
  // headGroupSpec.serviceType exists in both versions; v1's
  // managedBy does not exist in v1alpha1.
  const json& spec = (*s.schema)["properties"]["spec"]["properties"];
  EXPECT_TRUE(spec.contains("headGroupSpec"));
  EXPECT_FALSE(spec.contains("managedBy"));
  m.match_policy = "Equivalent";
  s = ObjectSchemaFor(m, Schemas());
  ASSERT_NE(s.schema, nullptr);
  EXPECT_TRUE(
      (*s.schema)["properties"]["spec"]["properties"].contains("managedBy"));
}

TEST(ObjectSchemaTest, AnEditedSchemaIsReadAgain) {
  // serve reloads policies when schemas change; the checks must follow.
  std::string dir = ::testing::TempDir() + "/object_schema_edited";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& fields) {
    std::ofstream(dir + "/ray.io_v1_raycluster.json")
        << R"({"properties": {"spec": {"properties": {)" << fields << "}}}}";
  };
  const std::string policy = Policy(
      kRayClusters, "  validations:\n  - expression: has(object.spec.b)\n");
  write(R"("a": {})");
  EXPECT_EQ(LoadErrors(policy, dir).size(), 1u);
  write(R"("a": {}, "b": {})");
  EXPECT_THAT(LoadErrors(policy, dir), IsEmpty());
  std::filesystem::remove_all(dir);
}

TEST(ObjectSchemaTest, MergeAcceptsWhatEitherSchemaAccepts) {
  json a = json::parse(R"({"properties": {
      "x": {"type": "string"},
      "m": {"properties": {"p": {}}},
      "l": {"items": {"properties": {"i": {}}}}}})");
  json b = json::parse(R"({"properties": {
      "y": {"type": "string"},
      "m": {"type": "object"},
      "l": {"items": {"properties": {"j": {}}}}}})");
  MergeObjectSchema(&a, b);
  const json& p = a["properties"];
  EXPECT_TRUE(p.contains("x"));
  EXPECT_TRUE(p.contains("y"));
  // b's "m" is an open object: every field is fine in the merge.
  EXPECT_EQ(p["m"]["x-kubernetes-preserve-unknown-fields"], true);
  EXPECT_TRUE(p["l"]["items"]["properties"].contains("i"));
  EXPECT_TRUE(p["l"]["items"]["properties"].contains("j"));
}

TEST(ObjectSchemaTest, BundledPoliciesLoadWithSchemaChecks) {
  auto engine = LoadPolicyEngine(
      {{rayguard::testing::SourcePath("policies")}, "", false, Schemas()});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_GE((*engine)->counts().policies, 9);
  EXPECT_EQ((*engine)->counts().skipped_policies, 0);
}

}  // namespace
}  // namespace rayguard::policy
