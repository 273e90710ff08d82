// KubeRay v1.7.0's own validation test cases, written out as manifests in
// tests/fixtures/kuberay-upstream/ (by generate.py there), each with the
// verdict KubeRay gives it (and the warnings, where KubeRay accepts with a
// Warning Event). Every one goes through Validator::Check, the core
// `check` and /validate share, and must get that verdict from the KubeRay
// layers: structural schema findings and kuberay/* rules. Policies are not
// loaded, so the verdict is rayguard's KubeRay semantics alone.
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
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

struct UpstreamCase {
  std::string file;  // relative to tests/fixtures/kuberay-upstream
  std::string test;
  std::string name;
  std::string gates;
  std::string expect;  // "allow" or "deny"
  // The kuberay/* rules that warn, where KubeRay accepts with a Warning Event.
  std::set<std::string> warnings;
};

void PrintTo(const UpstreamCase& c, std::ostream* os) { *os << c.file; }

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');)
    fields.push_back(field);
  return fields;
}

std::vector<UpstreamCase> LoadIndex() {
  std::istringstream in(
      testing::ReadFile(testing::FixturePath("kuberay-upstream/index.tsv")));
  std::vector<UpstreamCase> cases;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() < 5) {
      ADD_FAILURE() << "index.tsv: short row: " << line;
      continue;
    }
    UpstreamCase c{f[0], f[1], f[2], f[3], f[4], {}};
    std::istringstream ids(f.size() > 5 ? f[5] : "");
    for (std::string id; ids >> id;) c.warnings.insert(id);
    cases.push_back(std::move(c));
  }
  return cases;
}

// One validator per gate set: loading the schemas for every case would
// dominate the suite's run time.
const Validator* ValidatorFor(const std::string& gates) {
  static std::map<std::string, std::unique_ptr<const Validator>> cache;
  std::unique_ptr<const Validator>& v = cache[gates];
  if (!v) {
    auto parsed = rules::ParseFeatureGates(gates);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    ValidatorOptions options;
    if (parsed.ok()) options.feature_gates = *parsed;
    auto created = Validator::Create(options);
    EXPECT_TRUE(created.ok()) << created.status().message();
    if (created.ok()) v = std::move(created).value();
  }
  return v.get();
}

bool IsKubeRayLayer(const Finding& f) {
  return f.rule == "schema" || f.rule.rfind("kuberay/", 0) == 0;
}

class KubeRayUpstreamTest : public ::testing::TestWithParam<UpstreamCase> {};

TEST_P(KubeRayUpstreamTest, GetsKubeRaysVerdict) {
  const UpstreamCase& c = GetParam();
  SCOPED_TRACE(c.file + " (" + c.test + ": " + c.name + ")");
  std::vector<nlohmann::json> docs = testing::LoadYamlDocuments(
      testing::FixturePath("kuberay-upstream/" + c.file));
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_TRUE(Validator::Handles(docs[0]));
  const Validator* validator = ValidatorFor(c.gates);
  ASSERT_NE(validator, nullptr);
  Resource r;
  r.object = docs[0];
  r.admission.operation = "CREATE";
  std::vector<std::string> errors;
  std::set<std::string> warnings;
  for (const Finding& f : validator->Check(r).findings) {
    if (!IsKubeRayLayer(f)) continue;
    if (f.severity == Severity::kError) {
      errors.push_back(f.rule + " " + f.ToString());
    } else {
      warnings.insert(f.rule);
    }
  }
  EXPECT_EQ(warnings, c.warnings);
  if (c.expect == "deny") {
    EXPECT_FALSE(errors.empty()) << "KubeRay rejects this object; rayguard "
                                    "allowed it";
  } else {
    EXPECT_EQ(c.expect, "allow");
    EXPECT_THAT(errors, ::testing::IsEmpty())
        << "KubeRay accepts this object; rayguard denied it";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, KubeRayUpstreamTest, ::testing::ValuesIn(LoadIndex()),
    [](const ::testing::TestParamInfo<UpstreamCase>& info) {
      std::string name = info.param.file.substr(0, info.param.file.size() - 5);
      std::replace_if(
          name.begin(), name.end(),
          [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); },
          '_');
      return name;
    });

// The index and the folder agree, both verdicts occur for every kind of
// object, and no upstream test is left without cases.
TEST(KubeRayUpstreamIndexTest, ListsEveryFixtureOnce) {
  std::set<std::string> listed, on_disk;
  std::map<std::string, int> per_verdict;
  for (const UpstreamCase& c : LoadIndex()) {
    EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
    ++per_verdict[c.expect];
  }
  const std::filesystem::path root = testing::FixturePath("kuberay-upstream");
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".yaml")
      on_disk.insert(std::filesystem::relative(entry.path(), root).string());
  }
  EXPECT_EQ(listed, on_disk);
  EXPECT_GT(per_verdict["allow"], 50);
  EXPECT_GT(per_verdict["deny"], 100);
}

}  // namespace
}  // namespace rayguard
