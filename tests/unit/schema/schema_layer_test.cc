#include "webhook/schema/schema_layer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard::schema {
namespace {

using ::testing::HasSubstr;

nlohmann::json MinimalCluster() {
  return nlohmann::json::parse(R"({
    "apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "c"},
    "spec": {
      "headGroupSpec": {"template": {"spec": {"containers": [
        {"name": "head", "image": "rayproject/ray:2.46.0",
         "ports": [{"containerPort": 6379}]}]}}},
      "workerGroupSpecs": [{"groupName": "w", "template": {"spec": {
        "containers": [{"name": "w", "image": "rayproject/ray:2.46.0"}]}}}]
    }})");
}

std::unique_ptr<Layer> MakeLayer(bool strict, std::string dir = "") {
  auto layer = NewSchemaLayer({std::move(dir), strict});
  EXPECT_TRUE(layer.ok()) << layer.status().message();
  return layer.ok() ? std::move(layer).value() : nullptr;
}

Findings CheckObject(const Layer& layer, nlohmann::json object,
                     nlohmann::json old_object = nullptr) {
  Resource r;
  layer.ApplyDefaults(&object);
  r.object = std::move(object);
  r.admission.old_object = std::move(old_object);
  CheckResult result;
  layer.Check(r, &result);
  return result.findings;
}

// The validator copies an object to default it only when NeedsDefaults says
// so: it must never say no when defaulting would change something.
TEST(SchemaLayerTest, NeedsDefaultsSaysWhetherDefaultingChangesTheObject) {
  std::unique_ptr<Layer> layer = MakeLayer(false);
  int samples = 0;
  int needing = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::FixturePath("samples"))) {
    if (entry.path().extension() != ".yaml") continue;
    for (const nlohmann::json& doc :
         testing::LoadYamlDocuments(entry.path().string())) {
      nlohmann::json defaulted = doc;
      layer->ApplyDefaults(&defaulted);
      EXPECT_EQ(layer->NeedsDefaults(doc), defaulted != doc) << entry.path();
      // Once defaulted, nothing is left to default.
      EXPECT_FALSE(layer->NeedsDefaults(defaulted)) << entry.path();
      ++samples;
      needing += defaulted != doc ? 1 : 0;
    }
  }
  EXPECT_GT(needing, 10);
  EXPECT_GT(samples, needing);  // also non-Ray documents (Services, ...)
  // A null where the schema allows none is pruned: a change too.
  nlohmann::json with_null = MinimalCluster();
  MakeLayer(false)->ApplyDefaults(&with_null);
  with_null["spec"]["headGroupSpec"]["serviceType"] = nullptr;
  EXPECT_TRUE(layer->NeedsDefaults(with_null));
}

TEST(SchemaLayerTest, AppliesCrdDefaultsAtEveryDepth) {
  nlohmann::json obj = MinimalCluster();
  MakeLayer(false)->ApplyDefaults(&obj);
  const nlohmann::json& worker = obj["spec"]["workerGroupSpecs"][0];
  // The CRD's defaults for absent fields of a present worker group.
  EXPECT_EQ(worker["replicas"], 0);
  EXPECT_EQ(worker["minReplicas"], 0);
  EXPECT_EQ(worker["maxReplicas"], 2147483647);
  // Nested under present parents: a port's protocol.
  EXPECT_EQ(obj["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
               ["ports"][0]["protocol"],
            "TCP");
  // No default invents an absent parent.
  EXPECT_FALSE(obj["spec"].contains("autoscalerOptions"));
}

TEST(SchemaLayerTest, ReplacesNonNullableNullsWithDefaultsAndDropsTheRest) {
  nlohmann::json obj = MinimalCluster();
  obj["spec"]["workerGroupSpecs"][0]["replicas"] = nullptr;
  obj["spec"]["rayVersion"] = nullptr;
  MakeLayer(false)->ApplyDefaults(&obj);
  EXPECT_EQ(obj["spec"]["workerGroupSpecs"][0]["replicas"], 0);
  EXPECT_FALSE(obj["spec"].contains("rayVersion"));
}

TEST(SchemaLayerTest, DefaultsSatisfyRequiredFields) {
  // minReplicas and maxReplicas are required but defaulted: no error.
  EXPECT_TRUE(CheckObject(*MakeLayer(true), MinimalCluster()).empty());
}

TEST(SchemaLayerTest, UnknownFieldIsAWarningUnlessStrict) {
  nlohmann::json obj = MinimalCluster();
  obj["spec"]["headGroupSpec"]["replicas"] = 1;
  Findings lax = CheckObject(*MakeLayer(false), obj);
  ASSERT_EQ(lax.size(), 1u);
  EXPECT_EQ(lax[0].severity, Severity::kWarning);
  EXPECT_EQ(lax[0].ToString(),
            "spec.headGroupSpec.replicas: unknown field "
            "\"spec.headGroupSpec.replicas\"");
  Findings strict = CheckObject(*MakeLayer(true), obj);
  ASSERT_EQ(strict.size(), 1u);
  EXPECT_EQ(strict[0].severity, Severity::kError);
}

TEST(SchemaLayerTest, PreservesUnknownFieldsWhereTheSchemaSaysSo) {
  nlohmann::json obj = MinimalCluster();
  // status is never checked for unknown fields beyond its schema; metadata
  // accepts every ObjectMeta field.
  obj["metadata"]["finalizers"] = {"x"};
  obj["metadata"]["resourceVersion"] = "42";
  EXPECT_TRUE(CheckObject(*MakeLayer(true), obj).empty());
}

TEST(SchemaLayerTest, EvaluatesCelValidationRules) {
  nlohmann::json obj = MinimalCluster();
  obj["spec"]["managedBy"] = "ray.io/kuberay-operator";
  EXPECT_TRUE(CheckObject(*MakeLayer(true), obj).empty());
  obj["spec"]["managedBy"] = "example.com/my-operator";
  Findings f = CheckObject(*MakeLayer(true), obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].ToString(),
            "spec.managedBy: Invalid value: \"example.com/my-operator\": the "
            "managedBy field value must be either 'ray.io/kuberay-operator' or "
            "'kueue.x-k8s.io/multikueue'");
}

TEST(SchemaLayerTest, ListsTransitionRulesAsNotEvaluatedOnUpdate) {
  nlohmann::json obj = MinimalCluster();
  obj["spec"]["managedBy"] = "ray.io/kuberay-operator";
  // self == oldSelf does not run on create; on update it is listed.
  Findings f = CheckObject(*MakeLayer(true), obj, obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kWarning);
  EXPECT_EQ(f[0].path, "spec.managedBy");
  EXPECT_EQ(f[0].message,
            "x-kubernetes-validations rule not evaluated (transition rule): "
            "self == oldSelf");
}

TEST(SchemaLayerTest, EvaluatesRulesOnListItems) {
  nlohmann::json job = nlohmann::json::parse(R"({
    "apiVersion": "ray.io/v1", "kind": "RayJob", "metadata": {"name": "j"},
    "spec": {"entrypoint": "python x.py", "deletionStrategy": {
      "deletionRules": [{"policy": "DeleteCluster",
                         "condition": {"ttlSeconds": 10}}]}}})");
  Findings f = CheckObject(*MakeLayer(true), job);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.deletionStrategy.deletionRules[0].condition");
  EXPECT_THAT(f[0].message, HasSubstr("Invalid value: {\"ttlSeconds\":10}: "));
}

TEST(SchemaLayerTest, ValidatesV1alpha1Objects) {
  nlohmann::json obj = MinimalCluster();
  obj["apiVersion"] = "ray.io/v1alpha1";
  // v1alpha1 still requires rayStartParams; v1 made them optional.
  obj["spec"]["headGroupSpec"]["rayStartParams"] = nlohmann::json::object();
  obj["spec"]["workerGroupSpecs"][0]["rayStartParams"] =
      nlohmann::json::object();
  obj["spec"]["workerGroupSpecs"][0]["replicas"] = "two";
  Findings f = CheckObject(*MakeLayer(true), obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "spec.workerGroupSpecs[0].replicas");
}

TEST(SchemaLayerTest, OverlaysFurtherConstrainAKind) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "rayguard_overlay_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "overlays");
  fs::copy_file(testing::SourcePath("schemas/ray.io_v1_raycluster.json"),
                dir / "ray.io_v1_raycluster.json");
  fs::copy_file(testing::FixturePath("schema/overlays/ray-version.json"),
                dir / "overlays/ray-version.json");
  auto layer = MakeLayer(true, dir.string());
  ASSERT_NE(layer, nullptr);
  nlohmann::json obj = MinimalCluster();
  obj["spec"]["rayVersion"] = "2.46.0";
  EXPECT_TRUE(CheckObject(*layer, obj).empty());
  obj["spec"]["rayVersion"] = "1.13.0";
  Findings f = CheckObject(*layer, obj);
  ASSERT_EQ(f.size(), 1u) << f[0].ToString();
  EXPECT_EQ(f[0].rule, "schema/overlay/ray-version.json");
  EXPECT_EQ(f[0].path, "spec.rayVersion");
  EXPECT_THAT(f[0].message, HasSubstr("Invalid value: \"1.13.0\""));
  fs::remove_all(dir);
}

TEST(SchemaLayerTest, MissingSchemasDirectoryIsAnErrorNamingIt) {
  auto layer = NewSchemaLayer({"/nonexistent/schemas", false});
  ASSERT_FALSE(layer.ok());
  EXPECT_THAT(layer.status().message(), HasSubstr("/nonexistent/schemas"));
  ValidatorOptions options;
  options.schemas_dir = "/nonexistent/schemas";
  auto validator = Validator::Create(options);
  ASSERT_FALSE(validator.ok());
  EXPECT_THAT(validator.status().message(), HasSubstr("/nonexistent/schemas"));
}

TEST(SchemaLayerTest, ValidatorRunsTheSchemaLayerFirst) {
  auto validator = Validator::Create({});
  ASSERT_TRUE(validator.ok()) << validator.status().message();
  EXPECT_EQ((*validator)->LayerNames().front(), "schema");
  Resource r;
  r.object = MinimalCluster();
  r.object["spec"]["workerGroupSpecs"][0]["replicas"] = "two";
  CheckResult result = (*validator)->Check(r);
  EXPECT_FALSE(result.allowed());
  EXPECT_EQ(result.findings[0].rule, "schema");
}

}  // namespace
}  // namespace rayguard::schema
