// Each file in tests/fixtures/schema/invalid/ is a manifest with exactly one
// structural fault; its header names the finding strict validation must
// report ("# expect-path:", "# expect-type:", "# expect-message:").
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "webhook/core/check_result.h"
#include "webhook/schema/schema_layer.h"

namespace rayguard::schema {
namespace {

struct Expectation {
  std::string path, type, message;
};

Expectation ReadExpectation(const std::string& file) {
  Expectation e;
  std::istringstream in(testing::ReadFile(file));
  for (std::string line; std::getline(in, line);) {
    auto take = [&](const std::string& key, std::string* out) {
      if (line.rfind(key, 0) == 0) *out = line.substr(key.size());
    };
    take("# expect-path: ", &e.path);
    take("# expect-type: ", &e.type);
    take("# expect-message: ", &e.message);
  }
  return e;
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(
           testing::FixturePath("schema/invalid"))) {
    names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

const Layer& StrictLayer() {
  static const auto* layer = [] {
    auto l = NewSchemaLayer({"", /*strict=*/true});
    EXPECT_TRUE(l.ok()) << l.status().message();
    return std::move(l).value().release();
  }();
  return *layer;
}

class InvalidManifestTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidManifestTest, ReportsExactlyTheOneFault) {
  const std::string file =
      testing::FixturePath("schema/invalid/" + GetParam() + ".yaml");
  const Expectation want = ReadExpectation(file);
  ASSERT_FALSE(want.path.empty()) << file << " has no expect-path header";
  Resource r;
  r.object = testing::LoadYamlDocument(file);
  StrictLayer().ApplyDefaults(&r.object);
  CheckResult result;
  StrictLayer().Check(r, &result);
  ASSERT_EQ(result.findings.size(), 1u) << [&] {
    std::string all;
    for (const Finding& f : result.findings) all += f.ToString() + "\n";
    return all;
  }();
  const Finding& got = result.findings[0];
  EXPECT_EQ(got.rule, "schema");
  EXPECT_EQ(got.severity, Severity::kError);
  EXPECT_EQ(got.path, want.path);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.message, want.message);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InvalidManifestTest,
                         ::testing::ValuesIn(FixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(InvalidManifestFixturesTest, ThereAreAtLeastForty) {
  EXPECT_GE(FixtureNames().size(), 40u);
}

}  // namespace
}  // namespace rayguard::schema
