// DESIGN.md's contract for `rayguard check`, line by line where the other
// e2e tests leave it open: policies only when named, --warnings-as-errors,
// Warn + Audit bindings, strict by default, which files a directory yields,
// and exit 2 for a schema directory that does not load.
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
using ::rayguard::testing::SourcePath;
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

bool HasPolicyFinding(const nlohmann::json& report) {
  for (const auto& result : report["results"]) {
    for (const auto& v : result["violations"]) {
      if (v["rule"].get<std::string>().starts_with("policy/")) return true;
    }
  }
  return false;
}

TEST(CheckContractTest, PoliciesApplyOnlyWhenNamed) {
  // The bundled library breaks this cluster (no team labels, and more), but
  // nobody asked for it: schema and KubeRay rules only.
  ContractRun plain = Check(std::string("-o json ") + kNamespaced);
  ASSERT_EQ(plain.exit_code, 0) << plain.err << plain.out;
  EXPECT_FALSE(HasPolicyFinding(nlohmann::json::parse(plain.out)))
      << plain.out;
  // Named, the bundled library applies (it is a library to opt into).
  ContractRun opted = Check("-o json --policies '" + SourcePath("policies") +
                            "' " + kNamespaced);
  ASSERT_NE(opted.exit_code, 2) << opted.err;
  EXPECT_TRUE(HasPolicyFinding(nlohmann::json::parse(opted.out)))
      << opted.out;
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

TEST(CheckContractTest, UnknownFieldsAreErrorsUnlessStrictFalse) {
  // As `kubectl apply` (strict field validation) would refuse it.
  const std::string file = "--color never check/contract/unknown_field.yaml";
  const char kError[] =
      "check/contract/unknown_field.yaml:12:3: spec.rayVersoin: unknown "
      "field \"spec.rayVersoin\" [schema]";
  for (const char* flags : {"", "--strict "}) {
    ContractRun strict = Check(flags + file);
    EXPECT_EQ(strict.exit_code, 1) << flags << strict.err;
    EXPECT_THAT(strict.out, HasSubstr(kError)) << flags;
  }
  ContractRun lax = Check("--strict=false " + file);
  EXPECT_EQ(lax.exit_code, 0) << lax.err;
  EXPECT_THAT(lax.out, HasSubstr("check/contract/unknown_field.yaml:12:3: "
                                 "warning: spec.rayVersoin: unknown field"));
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
