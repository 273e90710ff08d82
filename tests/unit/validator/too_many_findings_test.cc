// A hostile object with a huge number of bad elements costs a bounded
// amount of work: the real layers stop at kMaxFindings and the object is
// denied with a finding that says the rest was not checked.
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

using nlohmann::json;

Resource ClusterWithEmptyGroups(int groups) {
  Resource r;
  r.object = json::parse(R"({
    "apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "hostile", "namespace": "default"},
    "spec": {"headGroupSpec": {"rayStartParams": {}, "template": {"spec": {
      "containers": [{"name": "ray-head", "image": "rayproject/ray:2.9.0"}]}}}}})");
  r.object["spec"]["workerGroupSpecs"] = json::array();
  for (int i = 0; i < groups; ++i) {
    r.object["spec"]["workerGroupSpecs"].push_back(json::object());
  }
  return r;
}

TEST(TooManyFindingsTest, LayersStopAndTheRestIsReportedAsNotChecked) {
  ValidatorOptions options;
  options.schemas_dir = testing::SourcePath("schemas");
  options.policy_dirs = {testing::SourcePath("policies")};
  auto validator = Validator::Create(options);
  ASSERT_TRUE(validator.ok()) << validator.status().message();

  // Each empty group misses groupName and template (schema), containers
  // and a unique name (rules): 100,000 groups would be 400,000 findings.
  CheckResult result = (*validator)->Check(ClusterWithEmptyGroups(100000));
  ASSERT_EQ(result.findings.size(), kMaxFindings + 1);
  const Finding& last = result.findings.back();
  EXPECT_EQ(last.rule, "rayguard/too-many-findings");
  EXPECT_EQ(last.type, "TooMany");
  EXPECT_EQ(last.message,
            "Too many errors: the first 1000 are shown and the rest of the "
            "object was not checked");
  EXPECT_FALSE(result.allowed());
  EXPECT_EQ(result.findings.front().path, "spec.workerGroupSpecs[0].groupName");

  // Below the limit nothing is cut: every group's findings are there.
  CheckResult few = (*validator)->Check(ClusterWithEmptyGroups(3));
  EXPECT_LT(few.findings.size(), kMaxFindings);
  for (const Finding& f : few.findings) {
    EXPECT_NE(f.rule, "rayguard/too-many-findings");
  }
}

}  // namespace
}  // namespace rayguard
