// `rayguard check` the way a team's CI runs it: default settings on KubeRay's
// own samples, a repository's .rayguard.yaml found from a subdirectory,
// OpenReports output validated against the CRD's schema, and the
// pre-commit hook run by the real `pre-commit` on a scratch repository.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "tests/testing/fixtures.h"

namespace rayguard {
namespace {

namespace fs = std::filesystem;
using ::rayguard::testing::BinaryPath;
using ::rayguard::testing::FixturePath;
using ::rayguard::testing::LoadYamlDocuments;
using ::rayguard::testing::ReadFile;
using ::rayguard::testing::SourcePath;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// Concatenation by append: GCC 12 misreports `"literal" + std::string&&`
// under -Wrestrict (GCC bug 105329).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

struct CiRun {
  int exit_code = -1;
  std::string out, err;
};

// A fresh directory for one test, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = Cat(::testing::TempDir(), "/rayguard_ci_", std::to_string(getpid()),
                "_", info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const {
    return Cat(path_, "/", rel);
  }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

// Runs `command` (a shell command line) in `dir`, stdin from `input`.
CiRun Shell(const std::string& dir, const std::string& command,
          const std::string& input = "/dev/null") {
  const std::string out = Cat(dir, "/.out"), err = Cat(dir, "/.err");
  const std::string line = Cat("cd '", dir, "' && ", command, " <'", input,
                               "' >'", out, "' 2>'", err, "'");
  const int status = std::system(line.c_str());
  CiRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out),
        ReadFile(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

CiRun Check(const std::string& dir, const std::string& args,
          const std::string& input = "/dev/null") {
  return Shell(dir, Cat("'", BinaryPath(), "' check ", args), input);
}

// ---------------------------------------------------------------------------
// Default settings on KubeRay v1.7.0's samples.

// The samples that use an alpha feature whose KubeRay feature gate is off
// by default in v1.7.0 (each says so in its comments).
const std::set<std::string> kGatedSamples = {
    "samples/ray-cluster.embedded-gcs-ft.yaml",       // GCSFaultToleranceEmbeddedStorage
    "samples/ray-cluster.historyserver.yaml",         // RayClusterHistoryServer
    "samples/ray-cluster.mtls.yaml",                  // RayClusterMTLS
    "samples/ray-cluster.network-policy-deny-all.yaml",  // RayClusterNetworkPolicy
};

TEST(CheckCiTest, KubeRaySamplesWithDefaultSettings) {
  CiRun r = Check(FixturePath(""), "-o json samples");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  std::set<std::string> denied;
  for (const auto& result : report["results"]) {
    const std::string kind = result.value("kind", "");
    for (const auto& v : result["violations"]) {
      EXPECT_FALSE(v["rule"].get<std::string>().starts_with("policy/"))
          << result["file"] << ": " << v.dump();
    }
    if (kind != "RayCluster" && kind != "RayJob" && kind != "RayService") {
      continue;
    }
    if (result["allowed"] == false) {
      denied.insert(result["file"].get<std::string>());
      for (const auto& v : result["violations"]) {
        if (v["severity"] != "error") continue;
        EXPECT_THAT(v["message"].get<std::string>(), HasSubstr("feature gate"))
            << result["file"];
      }
    }
  }
  EXPECT_EQ(denied, kGatedSamples);
  EXPECT_EQ(report["summary"]["errors"], 0);
}

// `--policies DIR` takes one directory; the paths after it are manifests to
// check, not more policy directories.
TEST(CheckCiTest, PoliciesFlagTakesOneDirectory) {
  CiRun r = Check(FixturePath(""),
                  "-o json --policies check/no-policies check/invalid_name.yaml "
                  "check/list.yaml");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const nlohmann::json report = nlohmann::json::parse(r.out);
  std::set<std::string> files;
  for (const auto& result : report["results"]) {
    files.insert(result["file"].get<std::string>());
  }
  EXPECT_EQ(files, (std::set<std::string>{"check/invalid_name.yaml",
                                          "check/list.yaml"}));
}

// ---------------------------------------------------------------------------
// .rayguard.yaml

constexpr char kCluster[] = R"yaml(apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: train
  namespace: ml
spec:
  rayVersion: "2.52.0"
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.52.0
)yaml";

// The platform team's own policy: every Ray cluster names its team.
constexpr char kTeamPolicy[] = R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: platform-team-label
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  validations:
  - expression: "'team' in object.metadata.?labels.orValue({})"
    message: clusters need a team label
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: platform-team-label
spec:
  policyName: platform-team-label
  validationActions: [Deny]
)yaml";

// repo/ (a repository root) with a config naming platform/policies, and a
// cluster in repo/apps/ml/.
class RepoConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "repo/.git");
    WriteFile(dir_ / "repo/.rayguard.yaml",
              "# Handed out by the platform team.\n"
              "policies: [platform/policies]\n");
    WriteFile(dir_ / "repo/platform/policies/team-label.yaml", kTeamPolicy);
    WriteFile(dir_ / "repo/apps/ml/cluster.yaml", kCluster);
    fs::create_directories(dir_ / "repo/empty");
  }

  std::string Sub() const { return dir_ / "repo/apps/ml"; }

  ScratchDir dir_;
};

TEST_F(RepoConfigTest, FoundFromASubdirectoryAndItsPoliciesApplied) {
  CiRun r = Check(Sub(), "--color never cluster.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cluster.yaml:1:1: ValidatingAdmissionPolicy "
                               "'platform-team-label' with binding "
                               "'platform-team-label' denied request: clusters "
                               "need a team label [policy/platform-team-label/0]"));
  EXPECT_THAT(r.out, HasSubstr("\nConfig: ../../.rayguard.yaml\n"));
  // Machine-readable formats stay as they are.
  CiRun json = Check(Sub(), "-o json cluster.yaml");
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_TRUE(nlohmann::json::accept(json.out)) << json.out;
}

TEST_F(RepoConfigTest, FlagsWinNoConfigIgnoresAndConfigNamesOne) {
  // --policies replaces the file's list.
  CiRun flag = Check(Sub(), Cat("--policies '", dir_ / "repo/empty", "' cluster.yaml"));
  EXPECT_EQ(flag.exit_code, 0) << flag.out << flag.err;
  CiRun none = Check(Sub(), "--no-config cluster.yaml");
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  EXPECT_THAT(none.out, Not(HasSubstr("Config:")));
  // --config names a file outside the search, relative to the working dir.
  WriteFile(dir_ / "other.yaml", "rules:\n  policy/platform-team-label/0: warn\n"
                                 "policies: repo/platform/policies\n");
  CiRun named = Check(dir_.path(), "--config other.yaml repo/apps/ml/cluster.yaml");
  EXPECT_EQ(named.exit_code, 0) << named.out << named.err;
  EXPECT_THAT(named.out, HasSubstr("warning: ValidatingAdmissionPolicy "
                                   "'platform-team-label'"));
  EXPECT_THAT(named.out, HasSubstr("Config: other.yaml"));
  EXPECT_EQ(Check(Sub(), "--config x.yaml --no-config cluster.yaml").exit_code, 2);
  CiRun missing = Check(Sub(), "--config no-such.yaml cluster.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("no-such.yaml"));
  CiRun directory = Check(Sub(), "--config . cluster.yaml");
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_THAT(directory.err, HasSubstr(".: cannot read config file"));
}

TEST_F(RepoConfigTest, UnknownKeyIsExitTwoWithFileAndLine) {
  WriteFile(dir_ / "repo/.rayguard.yaml",
            "policies: [platform/policies]\nstrictt: true\n");
  CiRun r = Check(Sub(), "cluster.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("../../.rayguard.yaml:2:1: unknown key "
                               "\"strictt\""));
  EXPECT_EQ(r.out, "");
  WriteFile(dir_ / "repo/.rayguard.yaml", "rules:\n  kuberay/no-such-rule: off\n");
  CiRun rule = Check(Sub(), "cluster.yaml");
  EXPECT_EQ(rule.exit_code, 2);
  EXPECT_THAT(rule.err, HasSubstr(".rayguard.yaml:1:1: rules: unknown rule "
                                  "\"kuberay/no-such-rule\""));
}

TEST_F(RepoConfigTest, StrictAndFeatureGatesFromTheFileFlagsStillWin) {
  WriteFile(dir_ / "repo/apps/ml/cluster.yaml",
            Cat(kCluster, "  networkPolicy: {mode: DenyAll}\n"
                          "  rayVersoin: \"2.52.0\"\n"));
  WriteFile(dir_ / "repo/.rayguard.yaml",
            "strict: false\nfeature-gates: {RayClusterNetworkPolicy: true}\n");
  CiRun r = Check(Sub(), "--color never cluster.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("warning: spec.rayVersoin: unknown field"));
  CiRun strict = Check(Sub(), "--strict --color never cluster.yaml");
  EXPECT_EQ(strict.exit_code, 1) << strict.out;
  CiRun gated = Check(Sub(), "--feature-gates RayClusterNetworkPolicy=false "
                           "--color never cluster.yaml");
  EXPECT_EQ(gated.exit_code, 1);
  EXPECT_THAT(gated.out, HasSubstr("spec.networkPolicy"));
}

TEST_F(RepoConfigTest, SearchStopsAtTheRepositoryRoot) {
  // A file above the repository is someone else's: not read from inside it,
  // but found (and here refused) from a directory that is in no repository.
  WriteFile(dir_ / ".rayguard.yaml", "bogus: 1\n");
  fs::remove(dir_ / "repo/.rayguard.yaml");
  CiRun inside = Check(Sub(), "cluster.yaml");
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  fs::create_directories(dir_ / "loose/sub");
  fs::copy_file(dir_ / "repo/apps/ml/cluster.yaml", dir_ / "loose/sub/c.yaml");
  CiRun outside = Check(dir_ / "loose/sub", "c.yaml");
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_THAT(outside.err, HasSubstr("../../.rayguard.yaml:1:1: unknown key "
                                     "\"bogus\""));
}

// ---------------------------------------------------------------------------
// -o openreports

// The JSON Schema `rayguard schema gen` makes from the OpenReports CRD.
nlohmann::json ReportSchema(const ScratchDir& dir) {
  CiRun gen = Shell(dir.path(),
                  Cat("'", BinaryPath(), "' schema gen --crd '",
                      FixturePath("openreports/openreports.io_reports.yaml"),
                      "' --out schemas"));
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  for (const auto& e : fs::directory_iterator(dir / "schemas")) {
    if (e.path().extension() == ".json") {
      return nlohmann::json::parse(ReadFile(e.path().string()));
    }
  }
  ADD_FAILURE() << "schema gen wrote no JSON schema";
  return nullptr;
}

std::string SchemaErrors(const nlohmann::json& schema_json,
                         const nlohmann::json& doc) {
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::adapters::NlohmannJsonAdapter target(doc);
  valijson::Validator validator;
  valijson::ValidationResults results;
  if (validator.validate(schema, target, &results)) return "";
  std::string errors = "invalid:";
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    for (const std::string& p : e.context) errors += p;
    errors.append(": ").append(e.description).append("\n");
  }
  return errors;
}

// Fields the schema does not declare, which the API server would prune
// (a CRD schema allows them; `kubectl apply` warns and drops them).
void CollectUnknownFields(const nlohmann::json& schema, const nlohmann::json& doc,
                          const std::string& path, std::vector<std::string>* out) {
  if (doc.is_object() && schema.contains("properties")) {
    for (const auto& [key, value] : doc.items()) {
      if (!schema["properties"].contains(key)) {
        out->push_back(Cat(path, ".", key));
        continue;
      }
      CollectUnknownFields(schema["properties"][key], value,
                           Cat(path, ".", key), out);
    }
  } else if (doc.is_array() && schema.contains("items")) {
    for (const nlohmann::json& item : doc) {
      CollectUnknownFields(schema["items"], item, Cat(path, "[]"), out);
    }
  }
}

TEST(CheckCiTest, OpenReportsAreValidAgainstTheCrdSchema) {
  ScratchDir dir;
  const nlohmann::json schema = ReportSchema(dir);
  ASSERT_FALSE(schema.is_null());
  CiRun r = Check(FixturePath(""), "-o openreports samples check/mixed.yaml "
                                 "check/invalid_name.yaml");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  WriteFile(dir / "reports.yaml", r.out);
  const std::vector<nlohmann::json> docs =
      LoadYamlDocuments(dir / "reports.yaml");
  CiRun json = Check(FixturePath(""), "-o json samples check/mixed.yaml "
                                    "check/invalid_name.yaml");
  const nlohmann::json summary = nlohmann::json::parse(json.out)["summary"];
  ASSERT_EQ(docs.size(), summary["checked"].get<std::size_t>());
  int failing = 0;
  // The schema has teeth: a result the CRD does not allow is refused.
  ASSERT_FALSE(docs.empty());
  nlohmann::json broken = docs[0];
  broken["results"] = {{{"policy", "x"}, {"result", "denied"}}};
  EXPECT_NE(SchemaErrors(schema, broken), "");
  for (const nlohmann::json& doc : docs) {
    EXPECT_EQ(SchemaErrors(schema, doc), "") << doc.dump();
    std::vector<std::string> unknown;
    CollectUnknownFields(schema, doc, "", &unknown);
    EXPECT_THAT(unknown, ::testing::IsEmpty()) << doc.dump();
    EXPECT_EQ(doc["apiVersion"], "openreports.io/v1alpha1");
    EXPECT_EQ(doc["kind"], "Report");
    EXPECT_EQ(doc["source"], "rayguard");
    EXPECT_EQ(doc["summary"]["fail"].get<std::size_t>() +
                  doc["summary"]["warn"].get<std::size_t>(),
              doc["results"].size());
    failing += doc["summary"]["fail"].get<int>() > 0;
  }
  EXPECT_EQ(failing, summary["denied"].get<int>());
}

TEST(CheckCiTest, OpenReportsOfALiveClusterDump) {
  // `kubectl get rayclusters,configmaps -A -o yaml` prints a List; each Ray
  // item gets its own Report in its namespace, owned by (and so deleted
  // with) the resource, ready for `kubectl apply -f -`.
  CiRun r = Check(FixturePath(""), "-o openreports -",
                  FixturePath("check/list.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ScratchDir dir;
  WriteFile(dir / "reports.yaml", r.out);
  const std::vector<nlohmann::json> docs =
      LoadYamlDocuments(dir / "reports.yaml");
  ASSERT_EQ(docs.size(), 1u) << r.out;  // the ConfigMap is not reported
  const nlohmann::json& bad = docs[0];
  EXPECT_EQ(bad["scope"]["kind"], "RayCluster");
  EXPECT_EQ(bad["scope"]["name"], "9-lives");
  EXPECT_EQ(bad["scope"]["uid"], "5f0c7a1e-0d7b-4a5e-9a47-3c9d2a1b0e11");
  EXPECT_EQ(bad["metadata"]["name"], "rayguard-raycluster-9-lives");
  EXPECT_EQ(bad["metadata"]["namespace"], "ml");
  EXPECT_EQ(bad["metadata"]["ownerReferences"][0]["uid"],
            "5f0c7a1e-0d7b-4a5e-9a47-3c9d2a1b0e11");
  ASSERT_EQ(bad["results"].size(), 1u);
  const nlohmann::json& result = bad["results"][0];
  EXPECT_EQ(result["policy"], "kuberay/raycluster-name");
  EXPECT_EQ(result["result"], "fail");
  EXPECT_EQ(result["severity"], "high");
  EXPECT_EQ(result["properties"]["path"], "metadata.name");
  EXPECT_EQ(result["properties"]["file"], "stdin");
  EXPECT_EQ(result["properties"]["line"], "16");
  EXPECT_EQ(result["properties"]["column"], "5");
  EXPECT_EQ(bad["summary"]["fail"], 1);
}

TEST(CheckCiTest, OpenReportsNamesUnreadableInputInAComment) {
  CiRun r = Check(FixturePath(""), "-o openreports manifest/broken.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("# manifest/broken.yaml:10:5: error: "));
}

// ---------------------------------------------------------------------------
// pre-commit

TEST(CheckCiTest, PreCommitHookChecksStagedManifests) {
  if (std::system("command -v pre-commit >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "pre-commit is not installed";
  }
  ScratchDir dir;
  // Git identity for the commits below and pre-commit's own; its cache stays
  // in the scratch dir. The hook runs the rayguard on PATH.
  const std::string env = Cat(
      "PATH='", fs::path(BinaryPath()).parent_path().string(), "':\"$PATH\" ",
      "PRE_COMMIT_HOME='", dir / "cache", "' ",
      "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com ",
      "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com ");
  // The hooks repository: this tree's .pre-commit-hooks.yaml, committed (as
  // a tag of rayguard would carry it).
  const std::string hooks = dir / "hooks";
  fs::create_directories(hooks);
  fs::copy_file(SourcePath(".pre-commit-hooks.yaml"),
                Cat(hooks, "/.pre-commit-hooks.yaml"));
  ASSERT_EQ(Shell(hooks, Cat(env, "git init -q . && git add -A && "
                                  "git commit -qm hooks")).exit_code, 0);
  // An application repository with manifests staged for a commit.
  const std::string repo = dir / "app";
  fs::create_directories(repo);
  ASSERT_EQ(Shell(repo, "git init -q .").exit_code, 0);
  WriteFile(Cat(repo, "/deploy/good.yaml"), kCluster);
  // A typo kubectl apply would refuse: caught before the commit.
  WriteFile(Cat(repo, "/deploy/typo.yml"), Cat(kCluster, "  maxReplica: 5\n"));
  WriteFile(Cat(repo, "/notes.txt"), "not a manifest\n");
  ASSERT_EQ(Shell(repo, "git add deploy notes.txt").exit_code, 0);
  // `language: system`: nothing to install, no network.
  const std::string run = Cat(env, "pre-commit try-repo '", hooks,
                              "' rayguard-check");
  CiRun bad = Shell(repo, run);
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_THAT(bad.out, HasSubstr("deploy/typo.yml:15:3: spec.maxReplica: "
                                 "unknown field"));
  EXPECT_THAT(bad.out, ContainsRegex("rayguard check\\.+Failed"));
  ASSERT_EQ(Shell(repo, "git rm -q --cached deploy/typo.yml").exit_code, 0);
  CiRun good = Shell(repo, run);
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_THAT(good.out, ContainsRegex("rayguard check\\.+Passed"));
}

}  // namespace
}  // namespace rayguard
