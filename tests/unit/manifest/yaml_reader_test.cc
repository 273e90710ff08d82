#include "webhook/manifest/yaml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::manifest {
namespace {

using ::testing::HasSubstr;
using ::rayguard::testing::FixturePath;
using ::rayguard::testing::ReadFile;

nlohmann::json ReadOne(const std::string& text) {
  YamlStream s = ReadYaml(text);
  EXPECT_TRUE(s.error.ok()) << s.error.message();
  EXPECT_EQ(s.documents.size(), 1u);
  return s.documents.empty() ? nlohmann::json() : s.documents[0].value;
}

TEST(YamlReaderTest, ResolvesScalarsAsKubectlDoes) {
  nlohmann::json v =
      ReadOne(ReadFile(FixturePath("manifest/yaml11_scalars.yaml")));
  const nlohmann::json expected = {
      {"yesWord", true},
      {"noWord", false},
      {"onWord", true},
      {"offWord", false},
      {"yLetter", true},
      {"trueWord", true},
      {"falseWord", false},
      {"hex", 31},
      {"octal", 15},
      {"legacyOctal", 493},
      {"notOctal", 8.0},
      {"underscores", 1000},
      {"negative", -42},
      {"huge", 123456789012345678901234567890.0},
      {"maxUint", 18446744073709551615ull},
      {"float", 1.5},
      {"exponent", 1000.0},
      {"leadingDot", 0.5},
      {"tilde", nullptr},
      {"nullWord", nullptr},
      {"empty", nullptr},
      {"quoted", "yes"},
      {"singleQuoted", "0x1F"},
      {"explicitStr", "123"},
      {"version", 2.1},
      {"date", "2001-12-14"},
      {"text", "hello world"},
      {"literal", "line one\n"},
      {"true", "key becomes \"true\""},
      {"404", "key becomes \"404\""},
  };
  EXPECT_EQ(v, expected) << v.dump(2);
  EXPECT_TRUE(v["hex"].is_number_integer());
  EXPECT_TRUE(v["notOctal"].is_number_float());
  EXPECT_TRUE(v["maxUint"].is_number_unsigned());
}

// Regression: yaml-cpp 0.7 spins forever on these (found by fuzz_yaml).
TEST(YamlReaderTest, RejectsALineStartingWithACommaOutsideFlowInsteadOfHanging) {
  for (const char* text : {",&", ",*", " ,", "- a\n,", "a: 1\n---\n,x",
                           "# c\n,"}) {
    YamlStream s = ReadYaml(text);
    EXPECT_FALSE(s.error.ok()) << text;
    EXPECT_THAT(s.error.message(), ::testing::HasSubstr("',' outside a flow"));
    ASSERT_TRUE(s.error_position.has_value()) << text;
  }
  YamlStream flow = ReadYaml("a: [x\n  , \"y]\"\n  , z]\n");
  ASSERT_TRUE(flow.error.ok()) << flow.error.message();
  EXPECT_EQ(flow.documents[0].value["a"].size(), 3u);
}

TEST(YamlReaderTest, RejectsNanAndInfinityWithTheirPosition) {
  YamlStream s = ReadYaml("a: 1\nb: .nan\n");
  EXPECT_FALSE(s.error.ok());
  EXPECT_EQ(s.error_position->line, 2);
  EXPECT_EQ(s.error_position->column, 4);
  EXPECT_THAT(s.error.message(), HasSubstr(".nan"));
}

TEST(YamlReaderTest, DuplicateKeyIsAnErrorAtTheSecondKey) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/duplicate_key.yaml")));
  EXPECT_TRUE(s.documents.empty());
  EXPECT_EQ(s.error.message(), "key \"team\" already set in map");
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_EQ(s.error_position->line, 7);
}

TEST(YamlReaderTest, KeysThatResolveToTheSameStringAreDuplicates) {
  YamlStream s = ReadYaml("on: 1\n\"true\": 2\n");
  EXPECT_THAT(s.error.message(), HasSubstr("key \"true\" already set"));
}

TEST(YamlReaderTest, ExpandsAnchorsAliasesAndMergeKeys) {
  nlohmann::json v = ReadOne(ReadFile(FixturePath("manifest/anchors.yaml")));
  const nlohmann::json& groups = v["spec"]["workerGroupSpecs"];
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1], (nlohmann::json{{"groupName", "large"},
                                       {"replicas", 4},
                                       {"rayStartParams", nlohmann::json::object()}}));
  EXPECT_EQ(groups[0]["groupName"], "small");
}

TEST(YamlReaderTest, StopsBillionLaughs) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/billion_laughs.yaml")));
  EXPECT_EQ(s.error.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(s.error.message(), HasSubstr("excessive aliasing"));
}

TEST(YamlReaderTest, AllowsModestAliasUse) {
  nlohmann::json v = ReadOne("a: &x {k: v}\nb: *x\nc: *x\n");
  EXPECT_EQ(v["c"]["k"], "v");
}

TEST(YamlReaderTest, UnknownAliasIsAnError) {
  YamlStream s = ReadYaml("a: *nowhere\n");
  EXPECT_FALSE(s.error.ok());
}

TEST(YamlReaderTest, BoundsNesting) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/deep.yaml")));
  EXPECT_EQ(s.error.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(s.error.message(), HasSubstr("nesting deeper than 256"));
}

TEST(YamlReaderTest, RecordsKeyPositionsForEveryNode) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/anchors.yaml")));
  ASSERT_EQ(s.documents.size(), 1u);
  const SourceMap& map = *s.documents[0].source_map;
  EXPECT_EQ(map.at("").line, 1);
  EXPECT_EQ(map.at("/metadata/name").line, 4);
  EXPECT_EQ(map.at("/metadata/name").column, 3);
  EXPECT_EQ(map.at("/spec/workerGroupSpecs/0").line, 7);
  EXPECT_EQ(map.at("/spec/workerGroupSpecs/1/replicas").line, 13);
  EXPECT_EQ(map.at("/spec/workerGroupSpecs/1/replicas").column, 5);
  // A merged key points at the merge.
  EXPECT_EQ(map.at("/spec/workerGroupSpecs/1/rayStartParams").line, 11);
}

TEST(YamlReaderTest, EscapesPointerTokensOfKeys) {
  YamlStream s = ReadYaml("labels:\n  ray.io/node-type: head\n");
  ASSERT_EQ(s.documents.size(), 1u);
  EXPECT_EQ(s.documents[0].source_map->at("/labels/ray.io~1node-type").line, 2);
}

TEST(YamlReaderTest, KeepsDocumentsBeforeASyntaxError) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/broken.yaml")));
  ASSERT_EQ(s.documents.size(), 1u);
  EXPECT_EQ(s.documents[0].value["metadata"]["name"], "ok");
  EXPECT_FALSE(s.error.ok());
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_GE(s.error_position->line, 9);
}

TEST(YamlReaderTest, SkipsEmptyDocumentsButKeepsTheirIndex) {
  YamlStream s = ReadYaml(ReadFile(FixturePath("manifest/multi.yaml")));
  ASSERT_TRUE(s.error.ok()) << s.error.message();
  ASSERT_EQ(s.documents.size(), 2u);
  EXPECT_EQ(s.documents[0].index, 0);
  EXPECT_EQ(s.documents[1].index, 2);
  EXPECT_EQ(s.documents[1].value["kind"], "RayJob");
}

TEST(YamlReaderTest, ReadsJson) {
  nlohmann::json v = ReadOne(R"({"a": [1, 2.5, "x", true, null], "b": {}})");
  EXPECT_EQ(v, nlohmann::json::parse(R"({"a": [1, 2.5, "x", true, null], "b": {}})"));
}

TEST(YamlReaderTest, InvalidUtf8IsAnErrorAtItsPosition) {
  YamlStream s = ReadYaml("a: b\nname: \"Bad\xff\"\n");
  EXPECT_EQ(s.error.message(), "invalid UTF-8");
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_EQ(s.error_position->line, 2);
  EXPECT_EQ(s.error_position->column, 11);
  EXPECT_TRUE(ReadYaml("name: \"caf\xc3\xa9 \xf0\x9f\x9a\x80\"\n").error.ok());
  EXPECT_FALSE(ReadYaml("a: \xc0\xaf\n").error.ok());  // overlong '/'
  EXPECT_FALSE(ReadYaml("a: \xed\xa0\x80\n").error.ok());  // surrogate
}

// Found by fuzz_policy: a bracket inside a plain scalar made the precheck
// take the next line's ',' for a flow entry, and yaml-cpp never returned.
TEST(YamlReaderTest, CommaLineAfterABracketInsideAScalarIsAnError) {
  YamlStream s = ReadYaml("   - .[\n,");
  EXPECT_EQ(s.error.message(),
            "did not find expected node content: ',' outside a flow collection");
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_EQ(s.error_position->line, 2);
  // A flow sequence continued on lines starting with ',' is still read.
  s = ReadYaml("a: [1\n , 2]\nb: x.[y\n");
  ASSERT_TRUE(s.error.ok()) << s.error.message();
  EXPECT_EQ(s.documents[0].value["a"], nlohmann::json::parse("[1, 2]"));
}

// Found by fuzz_policy: a '{' in a block scalar's text made the precheck
// believe a flow collection was open, so the ',' line after the scalar
// reached yaml-cpp, which never returned on ">\n {\n,".
TEST(YamlReaderTest, CommaLineAfterABlockScalarIsAnError) {
  for (const char* text : {">\n {\n,", "a: |\n  {x\n,y\n",
                           "a: >-\n    [\n  ,\n", "- |2\n   {\n ,\n",
                           "a: !!str |\n  {\n,\n"}) {
    YamlStream s = ReadYaml(text);
    EXPECT_THAT(s.error.message(), HasSubstr("',' outside a flow")) << text;
    ASSERT_TRUE(s.error_position.has_value()) << text;
    EXPECT_EQ(s.error_position->line, 3) << text;
  }
}

// The text of a block scalar is not YAML: lines starting with ',' in it
// are read as text, at any depth and at a document's root.
TEST(YamlReaderTest, BlockScalarTextMayStartLinesWithAComma) {
  YamlStream s = ReadYaml("a: |\n  x\n  ,y\nb: >-\n  {\n  , z\nc: 1\n");
  ASSERT_TRUE(s.error.ok()) << s.error.message();
  EXPECT_EQ(s.documents[0].value["a"], "x\n,y\n");
  EXPECT_EQ(s.documents[0].value["b"], "{ , z");
  EXPECT_EQ(s.documents[0].value["c"], 1);
  // yaml-cpp takes unindented lines after a root's header for YAML, not
  // text: this one is a flow map with a bad key, an error but no hang.
  s = ReadYaml("--- |\n{\n,\n");
  EXPECT_EQ(s.error.message(), "map keys must be scalars");
  // A plain scalar ending in '>' is no header: the ',' line is an error.
  s = ReadYaml("a: x >\n,\n");
  EXPECT_THAT(s.error.message(), HasSubstr("',' outside a flow"));
}

// Found by fuzz_policy: yaml-cpp 0.7 reports an empty document without
// reading on, forever, on tokens it has no use for; the reader notices that
// a document starts where the last one did and stops with an error.
TEST(YamlReaderTest, AParserThatStopsReadingIsAnErrorNotAHang) {
  struct Case {
    const char* text;
    int line, column;
  };
  for (const Case& c : {Case{"\"a\" b\n? x", 2, 1}, Case{"!>\n? a", 2, 1}}) {
    YamlStream s = ReadYaml(c.text);
    EXPECT_EQ(s.error.message(),
              "did not find expected node content: unexpected '?'")
        << c.text;
    ASSERT_TRUE(s.error_position.has_value()) << c.text;
    EXPECT_EQ(s.error_position->line, c.line) << c.text;
    EXPECT_EQ(s.error_position->column, c.column) << c.text;
  }
  // Streams of many documents, empty ones included, still read.
  YamlStream s = ReadYaml("a: 1\n---\n---\nb: 2\n...\n---\nc: 3\n");
  ASSERT_TRUE(s.error.ok()) << s.error.message();
  EXPECT_EQ(s.documents.size(), 3u);
}

// As kubectl: "yaml: control characters are not allowed". yaml-cpp never
// returned on the first of these.
TEST(YamlReaderTest, ControlCharactersAreAnErrorAtTheirPosition) {
  const std::string nul_before_comma("\0,\0r", 4);
  YamlStream s = ReadYaml(nul_before_comma);
  EXPECT_EQ(s.error.message(), "control characters are not allowed");
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_EQ(s.error_position->line, 1);
  EXPECT_EQ(s.error_position->column, 1);

  s = ReadYaml("apiVersion: ray.io/v1\nkind: RayCluster\nname: \"caf\xc3\xa9\x07\"\n");
  EXPECT_EQ(s.error.message(), "control characters are not allowed");
  ASSERT_TRUE(s.error_position.has_value());
  EXPECT_EQ(s.error_position->line, 3);
  EXPECT_EQ(s.error_position->column, 12);
  for (const char* bad : {"a: \x7f\n", "a: \xc2\x80\n", "a: \xef\xbf\xbe\n",
                          "a: b\x1b[31m\n"}) {
    EXPECT_EQ(ReadYaml(bad).error.message(), "control characters are not allowed")
        << bad;
  }
  for (const char* good : {"a: \"tab\there\"\r\n", "a: \xc2\x85\n",
                           "a: \xef\xbf\xbd\n", "a: \xf0\x9f\x9a\x80\n"}) {
    EXPECT_TRUE(ReadYaml(good).error.ok()) << good;
  }
}

TEST(YamlReaderTest, GarbageNeverThrows) {
  for (const char* text : {"\t- a", "a: [", "{", "a: b: c", "- a\nb: c",
                           "? [a]\n: b", "*", "&a", "!!int x", "\xff\xfe"}) {
    YamlStream s = ReadYaml(text);
    (void)s;
  }
}

}  // namespace
}  // namespace rayguard::manifest
