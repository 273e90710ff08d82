#include "webhook/manifest/internal/flow_entry_precheck.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {
namespace {

using ::testing::HasSubstr;

struct Refused {
  std::string text;
  int line;
  int column;
};

// yaml-cpp 0.7 never returns on each of these (found by fuzz_yaml and
// fuzz_policy, or checked with a 10 s timeout), or fails inside a block
// collection without saying why; ReadYaml must refuse the ',' itself. The
// precheck is asked first, so that a miss fails here rather than hanging.
TEST(FlowEntryPrecheckTest, RefusesACommaTokenOutsideFlowCollections) {
  const Refused cases[] = {
      {"\"a\",", 1, 4},    // after a double-quoted scalar
      {"'a',", 1, 4},      // after a single-quoted scalar
      {"'a''b' ,", 1, 8},  // '' inside single quotes
      {"'a''',", 1, 6},
      {"\"a\\\\\",", 1, 6},  // an escaped backslash before the quote
      {"\"a\nb\" ,", 2, 4},  // a quoted scalar over two lines
      {"\"a\"\n,", 2, 1},
      {"\"a\"\r\n,", 2, 1},
      {"a: \"b\" ,", 1, 8},
      {"--- ,a", 1, 5},  // after a document marker
      {"... ,", 1, 5},
      {"---\t,", 1, 5},
      {"a\n...  ,a", 2, 6},
      {"a: b\n--- ,", 2, 5},
      {"--- \"a\" ,", 1, 9},
      {"--- !t ,", 1, 8},
      {"%YAML 1.2\n--- ,", 2, 5},
      {"a: ,b", 1, 4},  // after an indicator
      {"- ,", 1, 3},
      {"? ,", 1, 3},
      {"&x ,", 1, 4},  // after an anchor, alias or tag
      {"*x ,", 1, 4},
      {"!t ,", 1, 4},
      {"&x,", 1, 3},
      {"!t,", 1, 3},
      {"!!str,", 1, 6},
      {"!t[a],", 1, 6},
      {"!<a,b> ,", 1, 8},
      {"\"a\"&x,", 1, 6},
      {"&a b\n*a ,", 2, 4},
      {"&a b\n,", 2, 1},  // not indented past the anchor
      {"!t b\n,", 2, 1},
      {"\"a\" b\n,", 2, 1},
      {"[a] ,", 1, 5},  // after a flow collection
      {"[a],", 1, 4},
      {"{a: 1} ,", 1, 8},
      {"[a]\n,", 2, 1},
      {"[a\"b]\n,", 2, 1},        // that quote is text, not an opening
      {"\t,", 1, 2},              // at a line's start
      {"- a\n,", 2, 1},           // not indented past the sequence
      {"a: b [c\n,", 2, 1},       // that bracket is text, not an opening
      {"a: b # x\n  ,c", 2, 3},   // a comment ends the plain scalar
      {"!\"a\",", 1, 5},          // a quote ends a tag
      {"-\n \t-#&\n, :", 3, 1},   // a sequence opened above
      {":b']*,\n#\"\n ,", 3, 2},  // a comment line ends the plain scalar
      {"|\n,", 2, 1},             // after block scalars that end at once
      {"|#\n,", 2, 1},
      {"&a |\n,", 2, 1},
      {"|\n  \n ,", 3, 2},        // blank lines set the indentation
      {" |\n {*\t\n,,[{", 3, 1},  // "{*" is text, no flow collection
      {"{b \"},", 1, 6},          // inside a plain scalar, a quote is text
      {"{:\"*},", 1, 6},
      {"[#a\n],", 2, 2},        // a comment right after '['
      {"\xEF\xBB\xBF,", 1, 1},  // after a byte order mark
      {"\xEF\xBB\xBF\"a\",", 1, 4},
  };
  for (const Refused& c : cases) {
    auto found = internal::FindBlockFlowEntry(c.text);
    ASSERT_TRUE(found.has_value()) << c.text;
    EXPECT_EQ(found->line, c.line) << c.text;
    EXPECT_EQ(found->column, c.column) << c.text;
    YamlStream s = ReadYaml(c.text);
    EXPECT_EQ(s.error.message(),
              "did not find expected node content: ',' outside a flow "
              "collection")
        << c.text;
    ASSERT_TRUE(s.error_position.has_value()) << c.text;
    EXPECT_EQ(s.error_position->line, c.line) << c.text;
    EXPECT_EQ(s.error_position->column, c.column) << c.text;
  }
}

struct Read {
  std::string text;
  nlohmann::json value;
};

// A ',' that yaml-cpp reads as text or as a flow entry inside a flow
// collection is no business of the precheck.
TEST(FlowEntryPrecheckTest, KeepsCommasThatAreTextOrFlowEntries) {
  using nlohmann::json;
  const Read cases[] = {
      {"a: [1\n , 2]", {{"a", {1, 2}}}},
      {"a: b, c", {{"a", "b, c"}}},
      {"a: b ,c", {{"a", "b ,c"}}},
      {"- x,y", json::array({"x,y"})},
      {"a: \"x\\\",y\"", {{"a", "x\",y"}}},
      {"a: 'it''s, ok'", {{"a", "it's, ok"}}},
      {"a: \"x,\n  ,y\"", {{"a", "x, ,y"}}},
      {"a: |\n  x,\n  ,y\n", {{"a", "x,\n,y\n"}}},
      {"a: 1 # x, y", {{"a", 1}}},
      {"a: 1 #, y\n#, z\n", {{"a", 1}}},
      // Lines indented past the collection continue a plain scalar.
      {"a: b\n  ,c", {{"a", "b ,c"}}},
      {"a:\n  b\n  ,c", {{"a", "b ,c"}}},
      {"- a\n  ,c", json::array({"a ,c"})},
      {"a: b\n\n  ,c", {{"a", "b\n,c"}}},
      {"--- a ,", "a ,"},
      {"a\n,", "a ,"},
      {"&a b\n ,", "b ,"},
      {"--- &a b\n,", "b ,"},
      {"--- a\n,", "a ,"},
      {"a: &x b\n  ,c", {{"a", "b ,c"}}},
      {"a\"b\",", "a\"b\","},
      {"\"a\": b ,", {{"a", "b ,"}}},
      {"a: &x b ,c", {{"a", "b ,c"}}},
      {"a: !!str b,c", {{"a", "b,c"}}},
      {"%YAML 1.2\n---\na: b ,c", {{"a", "b ,c"}}},
      {"a: [x, \"y,z\", 'w''s, v']", {{"a", {"x", "y,z", "w's, v"}}}},
      {"a: {b: \"c,]\", d: e}", {{"a", {{"b", "c,]"}, {"d", "e"}}}}},
      {"a: {\"b\":\"c,d\"}", {{"a", {{"b", "c,d"}}}}},
      {" a\n,", "a ,"},
      {"a: [b\"c, d]\nx: 1", {{"a", {"b\"c", "d"}}, {"x", 1}}},
  };
  for (const Read& c : cases) {
    EXPECT_EQ(internal::FindBlockFlowEntry(c.text), std::nullopt) << c.text;
    YamlStream s = ReadYaml(c.text);
    ASSERT_TRUE(s.error.ok()) << c.text << ": " << s.error.message();
    ASSERT_EQ(s.documents.size(), 1u) << c.text;
    EXPECT_EQ(s.documents[0].value, c.value) << c.text;
  }
}

// The scan is linear: a long word of commas is looked at once.
TEST(FlowEntryPrecheckTest, LongRunsOfCommasAreQuick) {
  std::string text = "a: b";
  text.append(1 << 20, ',');
  EXPECT_EQ(internal::FindBlockFlowEntry(text), std::nullopt);
  text += "\n\"x\" ,";
  auto found = internal::FindBlockFlowEntry(text);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line, 2);
  EXPECT_THAT(ReadYaml(text).error.message(), HasSubstr("',' outside a flow"));
}

}  // namespace
}  // namespace rayguard::manifest
