#include "webhook/policy/yaml_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/policy/policy_loader.h"

namespace rayguard::policy {
namespace {

using ::testing::HasSubstr;

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
  EXPECT_EQ(dup.status().message(), "f.yaml:3:1: key \"a\" already set in map");
  auto bad = ParseYamlDocuments("a: [1, 2\n", "f.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("f.yaml:2:"));
}

TEST(YamlDocumentTest, PositionsPointAtValuesSoExpressionColumnsLineUp) {
  auto docs =
      ParseYamlDocuments("spec:\n  validations:\n  - expression:  x\n", "t");
  ASSERT_TRUE(docs.ok());
  SourcePosition p = (*docs)[0].PositionOf("/spec/validations/0/expression");
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 18);
}

TEST(YamlDocumentTest, BoundsAliasExpansionLikeTheManifestReader) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  auto docs = ParseYamlDocuments(bomb, "bomb.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("excessive aliasing"));
}

// Regression: yaml-cpp 0.7 never returns on a line that starts with ','
// outside a flow collection; the policy loader read YAML with it directly,
// so `rayguard check`, `test` and `serve` hung on such a policy file.
TEST(YamlDocumentTest,
     LineStartingWithACommaFailsWithItsPositionInsteadOfHanging) {
  const std::string file =
      testing::FixturePath("policy/leading_comma/worker_groups.yaml");
  auto docs = ReadYamlFile(file);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().message(),
            file +
                ":16:3: did not find expected node content: ',' outside a "
                "flow collection");

  PolicyObjects objects;
  std::vector<LoadError> errors;
  ReadPolicyDirs({testing::FixturePath("policy/leading_comma")}, &objects,
                 &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].ToString(), HasSubstr("worker_groups.yaml:16:3: "));
  EXPECT_TRUE(objects.policies.empty());
}

}  // namespace
}  // namespace rayguard::policy
