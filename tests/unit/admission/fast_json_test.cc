#include "webhook/admission/fast_json.h"

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/admission/strict_json.h"

namespace rayguard::admission {
namespace {

using nlohmann::json;

// Equal values of equal types all the way down (json's operator== takes
// the unsigned 1 and the signed 1 for the same number).
bool SameTyped(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !SameTyped(*ia, *ib)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!SameTyped(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// What the fast reader must guarantee: when it builds a document, the exact
// strict reader accepts the text and builds the same one.
void ExpectAgreesWithStrict(const std::string& text) {
  json fast;
  if (!ParseFastJson(text, kMaxJsonDepth, &fast)) return;
  json exact;
  try {
    exact = json::parse(text);
  } catch (const json::exception& e) {
    ADD_FAILURE() << "fast reader accepted what nlohmann refuses (" << e.what()
                  << "): " << text.substr(0, 200);
    return;
  }
  EXPECT_TRUE(SameTyped(fast, exact)) << text.substr(0, 200);
  EXPECT_TRUE(ParseStrictJson(text).ok()) << text.substr(0, 200);
}

bool Fast(const std::string& text, int max_depth = kMaxJsonDepth) {
  json out;
  return ParseFastJson(text, max_depth, &out);
}

TEST(FastJsonTest, ReadsEveryAdmissionFixtureOnTheFastPath) {
  // Reviews are machine-written: all of them should take the one-pass way.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::FixturePath("admission"))) {
    if (entry.path().extension() != ".json") continue;
    const std::string text = testing::ReadFile(entry.path().string());
    json fast;
    ASSERT_TRUE(ParseFastJson(text, kMaxJsonDepth, &fast)) << entry.path();
    EXPECT_TRUE(SameTyped(fast, json::parse(text))) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 3);
}

TEST(FastJsonTest, TypesNumbersAsNlohmannDoes) {
  json out;
  ASSERT_TRUE(ParseFastJson(R"([0, -0, 7, -7, 18446744073709551615,
      -9223372036854775808, 1.5, -2e3, 1E-2, 0.1])", 64, &out));
  EXPECT_TRUE(out[0].is_number_unsigned());
  EXPECT_TRUE(out[1].is_number_integer() && !out[1].is_number_unsigned());
  EXPECT_TRUE(out[2].is_number_unsigned());
  EXPECT_EQ(out[3].get<int64_t>(), -7);
  EXPECT_EQ(out[4].get<uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(out[5].get<int64_t>(), INT64_MIN);
  EXPECT_TRUE(out[6].is_number_float());
  EXPECT_EQ(out[7].get<double>(), -2000.0);
  EXPECT_EQ(out[9].get<double>(), 0.1);
}

TEST(FastJsonTest, DecodesEscapesAndUtf8) {
  json out;
  ASSERT_TRUE(ParseFastJson(
      R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00\u0000x", "é中😀"])",
      64, &out));
  EXPECT_EQ(out[0], "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(out[1], std::string("\u00e9\u4e2d\U0001F600\0x", 11));
  EXPECT_EQ(out[2], "\u00e9\u4e2d\U0001F600");
}

TEST(FastJsonTest, LeavesEverythingUnusualToTheExactReader) {
  const std::vector<std::string> refused = {
      "", " ", "{", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "01", "-",
      "1.", ".5", "1e", "+1", "tru", "nul", "[1]x", "\"abc", "\"a\nb\"",
      "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
      "\"\\ud800\\u0041\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"",
      "\xef\xbb\xbf{}",                      // a byte-order mark
      R"({"a": 1, "a": 2})",                 // a duplicate key
      R"({"n": 1e400})", R"({"n": 1e-400})",  // beyond a double
      R"({"n": 18446744073709551616})", R"({"n": -9223372036854775809})",
      std::string("[1]\0", 4)};
  for (const std::string& text : refused) {
    EXPECT_FALSE(Fast(text)) << text;
  }
}

TEST(FastJsonTest, HandsDeepNestingToTheExactReader) {
  EXPECT_TRUE(Fast("[[[[1]]]]", 4));
  EXPECT_FALSE(Fast("[[[[[1]]]]]", 4));
  EXPECT_TRUE(Fast(std::string(kMaxJsonDepth, '[') +
                   std::string(kMaxJsonDepth, ']')));
}

// Random damage to a real review: whatever the fast reader still accepts,
// the exact reader accepts too and reads the same way.
TEST(FastJsonTest, AgreesWithTheExactReaderOnDamagedReviews) {
  const std::string review = testing::ReadFile(
      testing::FixturePath("admission/raycluster_update_v1beta1.json"));
  const std::string alphabet = "{}[],:\"\\0123456789-+.eEtrufalsn u\xc3\xa9\xff";
  std::mt19937 rng(18);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = review;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(at, 1, c); break;
        default: text.erase(at, 1); break;
      }
    }
    accepted += Fast(text) ? 1 : 0;
    ExpectAgreesWithStrict(text);
  }
  // Some damage leaves valid JSON (a changed digit or letter).
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace rayguard::admission
