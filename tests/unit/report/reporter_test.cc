// Each format against a golden file in tests/golden/report/. To regenerate
// after an intended change: UPDATE_GOLDEN=1 ctest -R report_test
#include "webhook/report/reporter.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::report {
namespace {

using ::rayguard::testing::ReadFile;
using ::rayguard::testing::SourcePath;

Finding MakeFinding(Severity severity, std::string rule, std::string path,
                    std::string type, std::string message) {
  Finding f;
  f.severity = severity;
  f.rule = std::move(rule);
  f.path = std::move(path);
  f.type = std::move(type);
  f.message = std::move(message);
  return f;
}

// A denied RayCluster with an error and a warning, a skipped ConfigMap, an
// allowed List item and an unparsable document.
std::vector<DocumentRecord> Records() {
  std::vector<DocumentRecord> out(4);
  DocumentRecord& denied = out[0];
  denied.file = "manifests/prod.yaml";
  denied.api_version = "ray.io/v1";
  denied.kind = "RayCluster";
  denied.namespace_name = "ml";
  denied.name = "train";
  denied.allowed = false;
  denied.result.findings = {
      MakeFinding(Severity::kError, "kuberay/worker-replicas-range",
                  "spec.workerGroupSpecs[0].minReplicas", "Invalid",
                  "Invalid value: 5: must be less than or equal to "
                  "maxReplicas (2)"),
      MakeFinding(Severity::kWarning, "policy/require-team",
                  "metadata.labels[team]", "Policy",
                  "every cluster needs a \"team\" label, 100% <required>"),
  };
  denied.positions = {SourcePosition{31, 7}, std::nullopt};
  out[1].file = "manifests/prod.yaml";
  out[1].document = 1;
  out[1].api_version = "v1";
  out[1].kind = "ConfigMap";
  out[1].name = "settings";
  out[1].outcome = Outcome::kSkipped;
  out[2].file = "dump.yaml";
  out[2].item = 3;
  out[2].api_version = "ray.io/v1";
  out[2].kind = "RayJob";
  out[2].name = "nightly";
  out[2].patch = nlohmann::json::array();
  out[3].file = "dump.yaml";
  out[3].document = 1;
  out[3].outcome = Outcome::kError;
  out[3].allowed = false;
  out[3].error = "key \"name\" already set in map";
  out[3].error_position = SourcePosition{9, 3};
  return out;
}

std::string Render(Format format, bool color = false) {
  std::ostringstream out;
  ReporterOptions options;
  options.color = color;
  options.tool_version = "1.2.3";
  options.describe_rule = [](const std::string& id) {
    return id == "kuberay/worker-replicas-range"
               ? "minReplicas <= replicas <= maxReplicas"
               : "";
  };
  auto reporter = NewReporter(format, out, options);
  for (const DocumentRecord& r : Records()) reporter->Write(r);
  reporter->Flush();
  return out.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/golden/report/" + name);
  if (std::getenv("UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    return;
  }
  EXPECT_EQ(actual, ReadFile(path)) << "golden " << path;
}

TEST(ReporterTest, TextMatchesGolden) {
  ExpectGolden("text.txt", Render(Format::kText));
}

TEST(ReporterTest, TextColoursOnlyWhenAsked) {
  EXPECT_THAT(Render(Format::kText), ::testing::Not(::testing::HasSubstr("\033[")));
  EXPECT_THAT(Render(Format::kText, /*color=*/true),
              ::testing::HasSubstr("\033[33mwarning: \033[0m"));
}

TEST(ReporterTest, JsonMatchesGolden) {
  ExpectGolden("json.json", Render(Format::kJson));
}

TEST(ReporterTest, JsonHasDesignShape) {
  nlohmann::json doc = nlohmann::json::parse(Render(Format::kJson));
  ASSERT_EQ(doc["results"].size(), 3u);  // the skipped ConfigMap is counted
  const nlohmann::json& v = doc["results"][0]["violations"][0];
  EXPECT_EQ(v["rule"], "kuberay/worker-replicas-range");
  EXPECT_EQ(v["line"], 31);
  EXPECT_EQ(v["column"], 7);
  EXPECT_EQ(doc["results"][1]["item"], 3);
  EXPECT_EQ(doc["summary"],
            nlohmann::json::parse(R"({"documents": 4, "checked": 2,
              "allowed": 1, "denied": 1, "skipped": 1, "warnings": 1,
              "errors": 1})"));
}

TEST(ReporterTest, JunitMatchesGolden) {
  ExpectGolden("junit.xml", Render(Format::kJunit));
}

TEST(ReporterTest, SarifMatchesGolden) {
  ExpectGolden("sarif.json", Render(Format::kSarif));
}

TEST(ReporterTest, GithubMatchesGolden) {
  ExpectGolden("github.txt", Render(Format::kGithub));
}

TEST(ReporterTest, OpenReportsMatchesGolden) {
  ExpectGolden("openreports.yaml", Render(Format::kOpenReports));
}

TEST(ReporterTest, TextNamesTheConfigFileUsed) {
  std::ostringstream out;
  ReporterOptions options;
  options.config_file = "../.rayguard.yaml";
  auto reporter = NewReporter(Format::kText, out, options);
  reporter->Flush();
  EXPECT_THAT(out.str(), ::testing::EndsWith("\nConfig: ../.rayguard.yaml\n"));
  EXPECT_THAT(Render(Format::kText), ::testing::Not(::testing::HasSubstr("Config:")));
}

TEST(ReporterTest, EveryFormatInTheTableParsesAndHasAReporter) {
  ASSERT_EQ(Formats().size(), 6u);
  for (const FormatInfo& f : Formats()) {
    Result<Format> parsed = ParseFormat(f.name);
    ASSERT_TRUE(parsed.ok()) << f.name;
    EXPECT_EQ(*parsed, f.format);
    EXPECT_FALSE(f.extension.empty());
    std::ostringstream out;
    EXPECT_NE(NewReporter(f.format, out), nullptr);
  }
  EXPECT_EQ(FormatNameList(), "text, json, junit, sarif, github or openreports");
}

TEST(ReporterTest, UnknownFormatIsRejected) {
  Result<Format> yaml = ParseFormat("yaml");
  ASSERT_FALSE(yaml.ok());
  EXPECT_THAT(yaml.status().message(), ::testing::HasSubstr(FormatNameList()));
  EXPECT_TRUE(ParseFormat("sarif").ok());
}

}  // namespace
}  // namespace rayguard::report
