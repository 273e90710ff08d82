// The committed schemas/*.json must be exactly what `rayguard schema gen`
// writes for the committed CRDs in schemas/crds/.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "tests/testing/fixtures.h"
#include "webhook/schema/crd_schema_generator.h"

namespace rayguard::schema {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] =
    "regenerate with: rayguard schema gen --crd schemas/crds/*.yaml "
    "--out schemas";

TEST(GeneratedSchemasTest, CommittedSchemasAreUpToDateWithTheCrds) {
  std::set<std::string> generated;
  for (const auto& crd :
       fs::directory_iterator(testing::SourcePath("schemas/crds"))) {
    auto schemas = GenerateSchemas(testing::ReadFile(crd.path()),
                                   crd.path().filename().string());
    ASSERT_TRUE(schemas.ok())
        << crd.path() << ": " << schemas.status().message();
    for (const GeneratedSchema& g : *schemas) {
      generated.insert(g.file_name);
      const std::string path = testing::SourcePath("schemas/" + g.file_name);
      ASSERT_TRUE(fs::exists(path)) << path << " is missing; " << kRegenerate;
      EXPECT_TRUE(testing::ReadFile(path) == SchemaFileText(g.schema))
          << path << " is stale; " << kRegenerate;
    }
  }
  for (const auto& f : fs::directory_iterator(testing::SourcePath("schemas"))) {
    if (f.path().extension() != ".json") continue;
    EXPECT_TRUE(generated.contains(f.path().filename().string()))
        << f.path() << " comes from no CRD in schemas/crds/";
  }
  // ray.io v1 and v1alpha1 of RayCluster, RayJob, RayService; RayCronJob v1.
  EXPECT_EQ(generated.size(), 7u);
}

TEST(GeneratedSchemasTest, TagsEachSchemaWithItsGroupVersionKind) {
  auto schemas = GenerateSchemas(testing::ReadFile(testing::SourcePath(
                                     "schemas/crds/ray.io_rayjobs.yaml")),
                                 "ray.io_rayjobs.yaml");
  ASSERT_TRUE(schemas.ok());
  ASSERT_EQ(schemas->size(), 2u);
  EXPECT_EQ((*schemas)[0].file_name, "ray.io_v1_rayjob.json");
  EXPECT_EQ((*schemas)[0].schema["x-kubernetes-group-version-kind"],
            nlohmann::json::parse(
                R"([{"group":"ray.io","version":"v1","kind":"RayJob"}])"));
  // Documentation is dropped, but a property named "description" is not.
  EXPECT_FALSE(
      (*schemas)[0].schema["properties"]["spec"].contains("description"));
}

TEST(GeneratedSchemasTest, KeepsPropertiesCalledDescription) {
  const char* crd = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.com
  names: {kind: Widget}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: dropped
        type: object
        properties:
          description: {type: string, description: also dropped}
)";
  auto schemas = GenerateSchemas(crd, "widget.yaml");
  ASSERT_TRUE(schemas.ok()) << schemas.status().message();
  const nlohmann::json& s = (*schemas)[0].schema;
  EXPECT_FALSE(s.contains("description"));
  EXPECT_EQ(s["properties"]["description"],
            nlohmann::json({{"type", "string"}}));
}

TEST(GeneratedSchemasTest, RejectsWhatIsNotACrd) {
  auto r = GenerateSchemas("apiVersion: v1\nkind: ConfigMap\n", "cm.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "not a CustomResourceDefinition");
  EXPECT_FALSE(GenerateSchemas("a: [unclosed", "bad.yaml").ok());
}

}  // namespace
}  // namespace rayguard::schema
