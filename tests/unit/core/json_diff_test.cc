#include "webhook/core/json_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

TEST(JsonDiffTest, EqualValuesHaveNoDifferences) {
  json a = json::parse(R"({"spec": {"x": [1, {"y": "z"}]}})");
  EXPECT_TRUE(DescribeJsonDifferences(a, a).empty());
}

TEST(JsonDiffTest, NamesEachDifferingFieldWithBothValues) {
  json expected = json::parse(R"({
    "metadata": {"labels": {"team": "ml", "app.kubernetes.io/part-of": "ray"}},
    "spec": {"groups": [{"replicas": 2, "tolerations": [{"key": "gpu"}]}]}})");
  json got = json::parse(R"({
    "metadata": {"labels": {"team": "data", "extra": true}},
    "spec": {"groups": [{"replicas": "2", "tolerations": []}]}})");
  EXPECT_THAT(
      DescribeJsonDifferences(expected, got),
      ElementsAre(
          R"(metadata.labels[app.kubernetes.io/part-of]: expected "ray", got nothing)",
          "metadata.labels.extra: expected nothing, got true",
          R"(metadata.labels.team: expected "ml", got "data")",
          R"(spec.groups[0].replicas: expected 2, got "2")",
          R"(spec.groups[0].tolerations[0]: expected {"key":"gpu"}, got nothing)"));
}

TEST(JsonDiffTest, NamesTheWholeObjectWhenTheTypesDiffer) {
  EXPECT_THAT(DescribeJsonDifferences(json::object(), json::array()),
              ElementsAre("(the whole object): expected {}, got []"));
}

TEST(JsonDiffTest, CutsLongValuesAndLongLists) {
  std::string long_text(500, 'a');
  auto lines = DescribeJsonDifferences(json{{"k", long_text}}, json{{"k", 1}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), 200u);
  EXPECT_THAT(lines[0], ::testing::EndsWith("..., got 1"));

  json expected = json::array();
  for (int i = 0; i < 30; ++i) expected.push_back(i);
  lines = DescribeJsonDifferences(expected, json::array(), 5);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "[0]: expected 0, got nothing");
  EXPECT_EQ(lines[4], "... and 26 more differences");
}

}  // namespace
}  // namespace rayguard
