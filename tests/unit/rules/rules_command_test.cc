// Runs the built binary: `rayguard rules` prints the catalogue from the code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "tests/testing/fixtures.h"
#include "webhook/rules/rule_set.h"

namespace rayguard {
namespace {

struct Output {
  int exit_code;
  std::string stdout_text;
};

Output RunRayguard(const std::string& args) {
  std::string command = testing::BinaryPath() + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"),
                                             pclose);
  std::string text;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
    text.append(buffer.data(), n);
  }
  int status = pclose(pipe.release());
  return {WEXITSTATUS(status), text};
}

TEST(RulesCommandTest, JsonListsEveryRuleWithKindsAndGates) {
  Output out = RunRayguard("rules -o json");
  ASSERT_EQ(out.exit_code, 0);
  nlohmann::json doc = nlohmann::json::parse(out.stdout_text);
  ASSERT_EQ(doc["rules"].size(), rules::AllRules().size());
  for (std::size_t i = 0; i < rules::AllRules().size(); ++i) {
    const rules::Rule& rule = rules::AllRules()[i];
    EXPECT_EQ(doc["rules"][i]["id"], rule.id);
    EXPECT_EQ(doc["rules"][i]["kinds"], nlohmann::json(rule.kinds));
    EXPECT_EQ(doc["rules"][i].value("featureGate", ""), rule.feature_gate);
  }
  EXPECT_EQ(doc["defaultFeatureGates"]["RayClusterMTLS"], false);
}

TEST(RulesCommandTest, TextShowsIdsGatesAndCount) {
  Output out = RunRayguard("rules");
  ASSERT_EQ(out.exit_code, 0);
  EXPECT_THAT(
      out.stdout_text,
      ::testing::HasSubstr(
          "kuberay/tls-feature-gate\n"
          "  kinds: RayCluster,RayJob,RayService,RayCronJob\n"
          "  feature gate: RayClusterMTLS (default off)\n"));
  EXPECT_THAT(out.stdout_text,
              ::testing::HasSubstr(std::to_string(rules::AllRules().size()) +
                                   " rules\n"));
}

TEST(RulesCommandTest, RejectsUnknownFormatAsUsageError) {
  EXPECT_EQ(RunRayguard("rules -o yaml").exit_code, 2);
}

}  // namespace
}  // namespace rayguard
