#include "webhook/admission/strict_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::admission {
namespace {

using ::testing::HasSubstr;

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(StrictJsonTest, ParsesOrdinaryJson) {
  Result<nlohmann::json> r = ParseStrictJson(
      R"({"a": [1, {"b": "x:y", "c": "\"{"}], "d": {"e": null}})" "\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["a"][1]["b"], "x:y");
  EXPECT_EQ((*r)["a"][1]["c"], "\"{");
}

TEST(StrictJsonTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(ParseStrictJson(Nested(64), 64).ok());
  EXPECT_TRUE(ParseStrictJson(Nested(kMaxJsonDepth)).ok());
}

TEST(StrictJsonTest, RefusesNestingBeyondTheLimitBeforeParsing) {
  Result<nlohmann::json> r = ParseStrictJson(Nested(100000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "malformed JSON: nested deeper than 10000 levels (at byte 10000)");
  EXPECT_FALSE(ParseStrictJson(Nested(65), 64).ok());
}

TEST(StrictJsonTest, BracketsInsideStringsDoNotCount) {
  const std::string deep_text = "[\"" + std::string(500, '[') + "\"]";
  EXPECT_TRUE(ParseStrictJson(deep_text, 2).ok());
}

TEST(StrictJsonTest, NamesTheFirstDuplicateKeyByPath) {
  Result<nlohmann::json> r = ParseStrictJson(
      R"({"spec": {"groups": [{"a": 1}, {"replicas": 1, "replicas": 5}]}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "malformed JSON: duplicate field \"spec.groups[1].replicas\"");
}

TEST(StrictJsonTest, SameKeyInDifferentObjectsIsFine) {
  EXPECT_TRUE(ParseStrictJson(R"([{"a": 1}, {"a": 2}, {"b": {"a": 3}}])").ok());
}

TEST(StrictJsonTest, RefusesNumbersBeyondADouble) {
  Result<nlohmann::json> r = ParseStrictJson(R"({"replicas": 1e400})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("number overflow parsing '1e400'"));
}

TEST(StrictJsonTest, KeepsIntegersBeyondInt64AsDoubles) {
  Result<nlohmann::json> r =
      ParseStrictJson(R"({"n": 99999999999999999999, "m": -9223372036854775809})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)["n"].is_number_float());
  EXPECT_TRUE((*r)["m"].is_number_float());
}

TEST(StrictJsonTest, RefusesInvalidUtf8) {
  for (const std::string& text :
       {std::string("{\"a\": \"\xff\"}"), std::string("{\"a\": \"\xc0\xaf\"}"),
        std::string("{\"a\": \"\xed\xa0\x80\"}")}) {
    Result<nlohmann::json> r = ParseStrictJson(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_THAT(r.status().message(), HasSubstr("ill-formed UTF-8"));
  }
}

TEST(StrictJsonTest, RefusesTruncatedAndTrailingInput) {
  EXPECT_FALSE(ParseStrictJson(R"({"a": [1, 2)").ok());
  EXPECT_FALSE(ParseStrictJson(R"({"a": 1} {"b": 2})").ok());
  EXPECT_FALSE(ParseStrictJson("").ok());
}

TEST(StrictJsonTest, HandlesAMillionElementArray) {
  std::string text = "[0";
  for (int i = 1; i < 1000000; ++i) text += ",0";
  text += "]";
  Result<nlohmann::json> r = ParseStrictJson(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 1000000u);
}

}  // namespace
}  // namespace rayguard::admission
