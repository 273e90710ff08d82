// DESIGN.md's contract for `rayguard check`, line by line where the other
// e2e tests leave it open: bundled policies by default, --warnings-as-errors,
// Warn + Audit bindings, --strict, which files a directory yields, and exit 2
// for a schema directory that does not load.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/fixtures.h"

namespace rayguard {
namespace {

using ::rayguard::testing::BinaryPath;
using ::rayguard::testing::FixturePath;
using ::rayguard::testing::ReadFile;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct ContractRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs `rayguard check <args>` in tests/fixtures/.
ContractRun Check(const std::string& args) {
  std::string dir = ::testing::TempDir();
  dir.append("/rayguard_check_contract_").append(std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = dir + "/out", err = dir + "/err";
  std::string cmd = "cd '";
  cmd.append(FixturePath("")).append("' && '").append(BinaryPath());
  cmd.append("' check ").append(args).append(" >'").append(out);
  cmd.append("' 2>'").append(err).append("'");
  const int status = std::system(cmd.c_str());
  ContractRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out),
        ReadFile(err)};
  std::filesystem::remove_all(dir);
  return r;
}

constexpr char kNamespaced[] = "check/contract/namespaced_cluster.yaml";
constexpr char kWarnPolicies[] = "--policies check/contract/warn-policies ";

TEST(CheckContractTest, BundledPoliciesApplyWithoutPoliciesFlag) {
  // ContractRun outside the repository root: found beside the binary, not in the
  // working directory.
  ContractRun r = Check(std::string("-o json ") + kNamespaced);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  bool bundled_policy = false;
  for (const auto& v : report["results"][0]["violations"]) {
    bundled_policy |= v["rule"].get<std::string>().starts_with("policy/");
  }
  EXPECT_TRUE(bundled_policy) << r.out;
}

TEST(CheckContractTest, WarnAndAuditBindingGivesAWarningAndAnAuditWarning) {
  ContractRun r = Check(std::string("-o json ") + kWarnPolicies + kNamespaced);
  EXPECT_EQ(r.exit_code, 0) << r.err;  // warnings allow
  nlohmann::json result = nlohmann::json::parse(r.out)["results"][0];
  EXPECT_EQ(result["allowed"], true);
  const auto& v = result["violations"];
  ASSERT_EQ(v.size(), 2u) << r.out;
  EXPECT_EQ(v[0]["rule"], "policy/contract-team-label/0");
  EXPECT_EQ(v[0]["severity"], "warning");
  EXPECT_FALSE(v[0].contains("audit"));
  EXPECT_EQ(v[1]["severity"], "warning");
  EXPECT_EQ(v[1]["audit"], true);
  EXPECT_EQ(v[0]["type"], "Policy");
  EXPECT_EQ(v[0]["line"], 6);  // the document's first key
}

TEST(CheckContractTest, WarningsAsErrorsDeniesAndExitsOne) {
  ContractRun r = Check(std::string("-o json --warnings-as-errors ") + kWarnPolicies +
                kNamespaced);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["results"][0]["allowed"], false);
  EXPECT_EQ(report["summary"]["denied"], 1);
  EXPECT_EQ(report["summary"]["warnings"], 2);
  ContractRun text = Check(std::string("--color never --warnings-as-errors ") +
                   kWarnPolicies + kNamespaced);
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_THAT(text.out, HasSubstr("0 allowed, 1 denied"));
}

TEST(CheckContractTest, StrictTurnsUnknownFieldsIntoErrors) {
  const std::string args =
      "--policies check/no-policies --color never "
      "check/contract/unknown_field.yaml";
  ContractRun lax = Check(args);
  EXPECT_EQ(lax.exit_code, 0) << lax.err;
  EXPECT_THAT(lax.out, HasSubstr("warning: spec.rayVersoin: unknown field"));
  ContractRun strict = Check("--strict " + args);
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  EXPECT_THAT(strict.out,
              HasSubstr("check/contract/unknown_field.yaml:12:3: "
                        "spec.rayVersoin: unknown field \"spec.rayVersoin\" "
                        "[schema]"));
}

TEST(CheckContractTest, DirectoriesYieldYamlYmlAndJsonFilesOnly) {
  ContractRun r = Check("-o json --policies check/no-policies check/contract/walk");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["results"].size(), 2u);
  EXPECT_EQ(report["results"][0]["file"], "check/contract/walk/cluster.json");
  EXPECT_EQ(report["results"][0]["name"], "from-json");
  EXPECT_EQ(report["results"][1]["file"], "check/contract/walk/cluster.yml");
}

TEST(CheckContractTest, SchemasThatDoNotLoadExitTwo) {
  ContractRun r = Check("--schemas /nonexistent/schemas check/contract/walk");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("rayguard check: "));
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/schemas"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace rayguard
