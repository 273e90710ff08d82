#include "webhook/manifest/yaml_writer.h"

#include <gtest/gtest.h>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {
namespace {

TEST(YamlWriterTest, RoundTripsValuesThatLookLikeOtherTypes) {
  const nlohmann::json value = {
      {"strings", {"yes", "on", "0x1F", "1.0", "", "null", "~", "- a",
                   "a: b", "#c", "multi\nline", "plain"}},
      {"numbers", {1, -2, 2.5, 1e20, 18446744073709551615ull}},
      {"bools", {true, false}},
      {"null", nullptr},
      {"empty", {{"map", nlohmann::json::object()},
                 {"list", nlohmann::json::array()}}},
      {"yes", "key looks like a bool"},
  };
  YamlStream s = ReadYaml(WriteYaml(value));
  ASSERT_TRUE(s.error.ok()) << s.error.message() << "\n" << WriteYaml(value);
  ASSERT_EQ(s.documents.size(), 1u);
  EXPECT_EQ(s.documents[0].value, value) << WriteYaml(value);
}

TEST(YamlWriterTest, WritesBlockStyle) {
  EXPECT_EQ(WriteYaml({{"a", {{"b", 1}}}, {"c", {"x"}}}),
            "a:\n  b: 1\nc:\n  - x\n");
}

}  // namespace
}  // namespace rayguard::manifest
