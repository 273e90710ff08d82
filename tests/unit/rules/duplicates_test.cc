// One fault, one finding: a CRD bound that a KubeRay rule also checks is
// reported once, by the rule, unless the rule is turned off or down to a
// warning in the config, when the schema's error stays.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::UnorderedElementsAre;

// A RayService whose rayClusterDeletionDelaySeconds is below the CRD's
// minimum (0), which kuberay/rayservice-deletion-delay checks as well.
Resource NegativeDeletionDelay() {
  Resource r;
  r.object = testing::LoadYamlDocument(
      testing::FixturePath("samples/ray-service.sample.yaml"), "RayService");
  r.object["spec"]["rayClusterDeletionDelaySeconds"] = -1;
  return r;
}

Findings Check(std::map<std::string, std::string> overrides) {
  ValidatorOptions options;
  options.rule_overrides = std::move(overrides);
  auto validator = Validator::Create(options);
  EXPECT_TRUE(validator.ok()) << validator.status().message();
  return (*validator)->Check(NegativeDeletionDelay()).findings;
}

TEST(SchemaDuplicatesTest, KeepsOnlyTheRuleFindingForOneFault) {
  EXPECT_THAT(Check({}),
              ElementsAre(AllOf(
                  Field(&Finding::rule, "kuberay/rayservice-deletion-delay"),
                  Field(&Finding::path, "spec.rayClusterDeletionDelaySeconds"),
                  Field(&Finding::severity, Severity::kError))));
}

TEST(SchemaDuplicatesTest, KeepsTheSchemaErrorWhenTheRuleIsOff) {
  EXPECT_THAT(Check({{"kuberay/rayservice-deletion-delay", "off"}}),
              ElementsAre(AllOf(
                  Field(&Finding::rule, "schema"),
                  Field(&Finding::path, "spec.rayClusterDeletionDelaySeconds"),
                  Field(&Finding::severity, Severity::kError))));
}

TEST(SchemaDuplicatesTest, KeepsTheSchemaErrorWhenTheRuleOnlyWarns) {
  EXPECT_THAT(
      Check({{"kuberay/rayservice-deletion-delay", "warn"}}),
      UnorderedElementsAre(
          AllOf(Field(&Finding::rule, "schema"),
                Field(&Finding::severity, Severity::kError)),
          AllOf(Field(&Finding::rule, "kuberay/rayservice-deletion-delay"),
                Field(&Finding::severity, Severity::kWarning))));
}

}  // namespace
}  // namespace rayguard
