#include "webhook/policy/yaml_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::policy {
namespace {

TEST(YamlDocumentTest, ResolvesScalarsAsKubectlDoes) {
  auto docs = ParseYamlDocuments(R"(a: yes
b: "yes"
c: 10
d: 1.5
e: ~
f: 0x1F
g: off
h: 1e3
i: v1
j: '10'
)",
                                 "t");
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  const nlohmann::json& j = (*docs)[0].json;
  EXPECT_EQ(j["a"], true);
  EXPECT_EQ(j["b"], "yes");
  EXPECT_TRUE(j["c"].is_number_integer());
  EXPECT_EQ(j["c"], 10);
  EXPECT_TRUE(j["d"].is_number_float());
  EXPECT_TRUE(j["e"].is_null());
  EXPECT_EQ(j["f"], 31);
  EXPECT_EQ(j["g"], false);
  EXPECT_EQ(j["h"], 1000.0);
  EXPECT_EQ(j["i"], "v1");
  EXPECT_EQ(j["j"], "10");
}

TEST(YamlDocumentTest, KeepsDocumentIndexAndPositions) {
  auto docs = ParseYamlDocuments("a: 1\n---\n---\nb:\n  c: [x, y]\n", "t");
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[1].index, 2);
  SourcePosition p = (*docs)[1].PositionOf("/b/c/1");
  EXPECT_EQ(p.line, 5);
  EXPECT_EQ(p.column, 10);
}

TEST(YamlDocumentTest, RejectsDuplicateKeysAndBadSyntaxWithPosition) {
  auto dup = ParseYamlDocuments("a: 1\nb: 2\na: 3\n", "f.yaml");
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), ::testing::HasSubstr("line 3"));
  EXPECT_THAT(dup.status().message(), ::testing::HasSubstr("duplicate key"));
  auto bad = ParseYamlDocuments("a: [1, 2\n", "f.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("f.yaml: line"));
}

}  // namespace
}  // namespace rayguard::policy
