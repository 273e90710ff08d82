#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

using ::testing::HasSubstr;

// The RayCluster schema from KubeRay's CRD.
std::shared_ptr<const nlohmann::json> LoadRayClusterSchema() {
  nlohmann::json crd = testing::LoadYamlDocument(
      testing::SourcePath("schemas/crds/ray.io_rayclusters.yaml"));
  for (const auto& v : crd["spec"]["versions"]) {
    if (v["name"] == "v1") {
      return std::make_shared<nlohmann::json>(
          v["schema"]["openAPIV3Schema"]);
    }
  }
  return nullptr;
}

std::shared_ptr<const nlohmann::json> RayClusterSchema() {
  static const auto schema = LoadRayClusterSchema();
  return schema;
}

Env SchemaEnv() {
  Env env = Env::Admission();
  env.object_schema = RayClusterSchema();
  env.object_kind = "RayCluster";
  return env;
}

TEST(SchemaCheckTest, SuggestsTheClosestFieldForATypo) {
  auto p = Compile("object.spec.workerGroupSpec.size() > 0", SchemaEnv());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(),
              HasSubstr("no field workerGroupSpec in RayClusterSpec; did you "
                        "mean workerGroupSpecs?"));
}

TEST(SchemaCheckTest, FollowsComprehensionVariablesIntoListItems) {
  auto p = Compile(
      "object.spec.workerGroupSpecs.all(g, g.maxReplica <= 10)", SchemaEnv());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("did you mean maxReplicas?"));
}

TEST(SchemaCheckTest, AcceptsDeclaredFieldsAndFreeFormMaps) {
  EXPECT_TRUE(Compile("object.spec.workerGroupSpecs.all(g, g.maxReplicas <= "
                      "10 && g.template.spec.containers.all(c, "
                      "has(c.resources.limits)))",
                      SchemaEnv())
                  .ok());
  EXPECT_TRUE(Compile("object.metadata.labels['team'] == 'ml'", SchemaEnv())
                  .ok());
}

}  // namespace
}  // namespace rayguard::cel
