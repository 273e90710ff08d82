#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

Findings CheckCluster(nlohmann::json object) {
  auto validator = Validator::Create({});
  EXPECT_TRUE(validator.ok()) << validator.status().message();
  Resource r;
  r.object = std::move(object);
  return (*validator)->Check(r).findings;
}

nlohmann::json SampleCluster() {
  return testing::LoadYamlDocument(
      testing::FixturePath("samples/ray-cluster.complete.yaml"), "RayCluster");
}

TEST(MetadataRulesTest, AcceptsTheCompleteSample) {
  EXPECT_TRUE(CheckCluster(SampleCluster()).empty());
}

TEST(MetadataRulesTest, RejectsNameLongerThan53) {
  nlohmann::json obj = SampleCluster();
  obj["metadata"]["name"] = std::string(54, 'a');
  Findings f = CheckCluster(obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "kuberay/raycluster-name");
  EXPECT_EQ(f[0].path, "metadata.name");
  EXPECT_THAT(f[0].message, ::testing::HasSubstr("no more than 53 characters"));
}

TEST(MetadataRulesTest, RejectsNonDns1035Name) {
  nlohmann::json obj = SampleCluster();
  obj["metadata"]["name"] = "1-Cluster";
  Findings f = CheckCluster(obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].ToString().substr(0, 40),
            "metadata.name: Invalid value: \"1-Cluster");
}

TEST(MetadataRulesTest, ChecksGenerateNamePrefixLeavingRoomForSuffix) {
  nlohmann::json obj = SampleCluster();
  obj["metadata"].erase("name");
  obj["metadata"]["generateName"] = "train-";
  EXPECT_TRUE(CheckCluster(obj).empty());
  obj["metadata"]["generateName"] = std::string(49, 'a');
  Findings f = CheckCluster(obj);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].path, "metadata.generateName");
}

}  // namespace
}  // namespace rayguard
