// KubeRay v1.7.0's own validation cases (tests/fixtures/kuberay-upstream/,
// listed in its index.tsv with KubeRay's verdict) through the built binary,
// as a CI job runs it: `rayguard check -o json` with the default settings
// and the case's feature gates. Every case must get KubeRay's verdict.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/fixtures.h"

namespace rayguard {
namespace {

using ::rayguard::testing::BinaryPath;
using ::rayguard::testing::FixturePath;
using ::rayguard::testing::ReadFile;

struct Case {
  std::string file;  // relative to tests/fixtures/
  std::string label;
  bool allow = false;
};

// Cases by the --feature-gates value they are judged with.
std::map<std::string, std::vector<Case>> CasesByGates() {
  std::istringstream in(ReadFile(FixturePath("kuberay-upstream/index.tsv")));
  std::map<std::string, std::vector<Case>> cases;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string s; std::getline(fields, s, '\t');) f.push_back(s);
    if (f.size() < 5) {
      ADD_FAILURE() << "index.tsv: short row: " << line;
      continue;
    }
    cases[f[3]].push_back(
        {"kuberay-upstream/" + f[0], f[1] + ": " + f[2], f[4] == "allow"});
  }
  return cases;
}

// Runs the binary in tests/fixtures/ and returns its JSON report.
nlohmann::json CheckJson(const std::string& gates,
                         const std::vector<Case>& cases) {
  const std::string out =
      ::testing::TempDir() + "/rayguard_upstream_" + std::to_string(getpid());
  std::string cmd = "cd '" + FixturePath("") + "' && '" + BinaryPath() +
                    "' check -o json";
  if (!gates.empty()) cmd += " --feature-gates " + gates;
  for (const Case& c : cases) cmd += " '" + c.file + "'";
  cmd += " >'" + out + "' 2>/dev/null";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status)) << cmd;
  // 0 when every case of this gate set is allowed, 1 when any is denied.
  EXPECT_LE(WEXITSTATUS(status), 1) << cmd;
  const std::string text = ReadFile(out);
  std::filesystem::remove(out);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

TEST(CheckKubeRayUpstreamTest, EveryCaseGetsKubeRaysVerdict) {
  std::size_t judged = 0;
  for (const auto& [gates, cases] : CasesByGates()) {
    SCOPED_TRACE("--feature-gates " + gates);
    const nlohmann::json report = CheckJson(gates, cases);
    ASSERT_TRUE(report.is_object() && report.contains("results"));
    std::map<std::string, bool> allowed;
    for (const nlohmann::json& r : report["results"]) {
      allowed[r.value("file", "")] = r.value("allowed", false);
    }
    for (const Case& c : cases) {
      auto it = allowed.find(c.file);
      ASSERT_NE(it, allowed.end()) << c.file << " was not checked";
      EXPECT_EQ(it->second, c.allow)
          << c.file << " (" << c.label << "): KubeRay "
          << (c.allow ? "accepts" : "rejects") << " it";
      ++judged;
    }
  }
  // index.tsv lists every ported case; an empty or truncated index must not
  // pass unnoticed.
  EXPECT_GE(judged, 200u);
}

}  // namespace
}  // namespace rayguard
