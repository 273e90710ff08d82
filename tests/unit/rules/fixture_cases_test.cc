// Runs every fixture in tests/fixtures/rules/ through Validator::Check, the
// core that /validate and `check` share. Each fixture states in its header:
//   # gates: Name=true,...          (optional; --feature-gates)
//   # expect: <rule> | <path> | <message>   (one line per finding, exact)
//   # accepts: <rule> <rule> ...    (rules this accepting case exercises)
// A second YAML document, when present, is the oldObject of an UPDATE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "tests/testing/fixtures.h"
#include "webhook/rules/feature_gates.h"
#include "webhook/rules/rule_set.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

struct Case {
  std::string file;
  std::string gates;
  std::vector<std::string> expected;  // "rule | path | message"
  std::vector<std::string> accepts;
};

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

Case ParseHeader(const std::string& file) {
  Case c{file, "", {}, {}};
  std::istringstream in(testing::ReadFile(file));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# gates:", 0) == 0) c.gates = Trim(line.substr(8));
    if (line.rfind("# expect:", 0) == 0)
      c.expected.push_back(Trim(line.substr(9)));
    if (line.rfind("# accepts:", 0) == 0) {
      std::istringstream ids(line.substr(10));
      for (std::string id; ids >> id;) c.accepts.push_back(id);
    }
  }
  return c;
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::FixturePath("rules"))) {
    if (entry.path().extension() == ".yaml")
      cases.push_back(ParseHeader(entry.path()));
  }
  std::sort(cases.begin(), cases.end(),
            [](const Case& a, const Case& b) { return a.file < b.file; });
  return cases;
}

std::vector<std::string> CheckFixture(const Case& c) {
  auto gates = rules::ParseFeatureGates(c.gates);
  EXPECT_TRUE(gates.ok()) << gates.status().message();
  // One validator per gate set: loading the schemas for every fixture
  // would dominate the suite's run time.
  static std::map<std::string, std::shared_ptr<const Validator>> cache;
  std::shared_ptr<const Validator>& validator = cache[c.gates];
  if (!validator) {
    ValidatorOptions options;
    if (gates.ok()) options.feature_gates = *gates;
    auto created = Validator::Create(options);
    EXPECT_TRUE(created.ok()) << created.status().message();
    if (created.ok()) validator = std::move(created).value();
  }
  std::vector<nlohmann::json> docs = testing::LoadYamlDocuments(c.file);
  if (docs.empty() || !validator) return {"<no document>"};
  Resource r;
  r.object = docs[0];
  if (docs.size() > 1) {
    r.admission.operation = "UPDATE";
    r.admission.old_object = docs[1];
  }
  std::vector<std::string> got;
  for (const Finding& f : validator->Check(r).findings) {
    // Structural findings (rule "schema") are the schema layer's, tested in
    // tests/unit/schema; these fixtures state what the KubeRay rules find.
    if (f.rule.rfind("schema", 0) == 0) continue;
    got.push_back(f.rule + " | " + f.path + " | " + f.message);
  }
  return got;
}

class RuleFixtureTest : public ::testing::TestWithParam<Case> {};

TEST_P(RuleFixtureTest, ReportsExactlyTheExpectedFindings) {
  const Case& c = GetParam();
  EXPECT_THAT(CheckFixture(c), ::testing::UnorderedElementsAreArray(c.expected))
      << "fixture " << c.file;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RuleFixtureTest, ::testing::ValuesIn(AllCases()),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = std::filesystem::path(info.param.file).stem();
      std::replace_if(
          name.begin(), name.end(),
          [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); },
          '_');
      return name;
    });

// Every rule has at least one rejecting and one accepting fixture.
TEST(RuleFixtureCoverageTest, EveryRuleHasARejectingAndAnAcceptingCase) {
  std::set<std::string> rejected, accepted;
  for (const Case& c : AllCases()) {
    for (const std::string& e : c.expected)
      rejected.insert(e.substr(0, e.find(' ')));
    if (!c.expected.empty()) continue;
    accepted.insert(c.accepts.begin(), c.accepts.end());
  }
  for (const rules::Rule& rule : rules::AllRules()) {
    EXPECT_TRUE(rejected.contains(rule.id))
        << rule.id << " has no rejecting fixture";
    EXPECT_TRUE(accepted.contains(rule.id))
        << rule.id << " has no accepting fixture";
  }
}

TEST(RuleCatalogueTest, IdsAreUniqueAndKebabCase) {
  std::set<std::string> ids;
  for (const rules::Rule& rule : rules::AllRules()) {
    EXPECT_TRUE(ids.insert(rule.id).second) << "duplicate " << rule.id;
    EXPECT_EQ(rule.id.rfind("kuberay/", 0), 0u) << rule.id;
    EXPECT_EQ(
        rule.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-", 8),
        std::string::npos)
        << rule.id;
    EXPECT_FALSE(rule.description.empty()) << rule.id;
    if (!rule.feature_gate.empty()) {
      EXPECT_TRUE(rules::DefaultFeatureGates().contains(rule.feature_gate))
          << rule.id;
    }
  }
}

}  // namespace
}  // namespace rayguard
