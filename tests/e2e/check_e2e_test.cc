// `rayguard check` as a user runs it: the built binary on real files, its
// exit code, and its whole output against golden files in tests/golden/check/.
// To regenerate the goldens after an intended change:
//   UPDATE_GOLDEN=1 ctest --test-dir build -R check_e2e_test
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "tests/testing/fixtures.h"
#include "webhook/report/reporter.h"

namespace rayguard {
namespace {

using ::rayguard::testing::BinaryPath;
using ::rayguard::testing::FixturePath;
using ::rayguard::testing::ReadFile;
using ::rayguard::testing::SourcePath;
using ::testing::HasSubstr;

// Concatenation by append: GCC 12 misreports `"literal" + std::string&&`
// under -Wrestrict (GCC bug 105329).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

struct CheckRun {
  int exit_code = -1;
  std::string out, err;
};

// A directory of this test process's own: several checkouts may run this
// test at the same time on one machine.
std::string ScratchDir() {
  static const std::string dir = [] {
    std::string d = Cat(::testing::TempDir(), "/rayguard_check_e2e_",
                        std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

class RemoveScratchDir : public ::testing::Environment {
 public:
  void TearDown() override { std::filesystem::remove_all(ScratchDir()); }
};
const auto* const kRemoveScratchDir =
    ::testing::AddGlobalTestEnvironment(new RemoveScratchDir);

// Runs `rayguard check <args>` in tests/fixtures/, stdin from `input`.
CheckRun Check(const std::string& args, const std::string& input = "/dev/null") {
  const std::string dir = ScratchDir();
  const std::string out = Cat(dir, "/out");
  const std::string err = Cat(dir, "/err");
  const std::string cmd =
      Cat("cd '", FixturePath(""), "' && '", BinaryPath(), "' check ", args,
          " <'", input, "' >'", out, "' 2>'", err, "'");
  int status = std::system(cmd.c_str());
  CheckRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath(Cat("tests/golden/check/", name));
  if (std::getenv("UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    return;
  }
  EXPECT_EQ(actual, ReadFile(path)) << "golden " << path;
}

// The small fixtures whose findings come from stable KubeRay rules (with
// the default settings: no organisational policies).
const char kGoldenInputs[] =
    "--color never check/invalid_name.yaml check/list.yaml check/mixed.yaml";

// Six samples show alpha features (two of them RayCronJobs); as their
// comments say, they need the operator's gate on (off by default in KubeRay
// v1.7.0).
const char kSampleGates[] =
    "--feature-gates RayClusterNetworkPolicy=true,RayClusterMTLS=true,"
    "GCSFaultToleranceEmbeddedStorage=true,RayClusterHistoryServer=true,"
    "RayCronJob=true ";

TEST(CheckE2eTest, AcceptsEveryKubeRaySample) {
  CheckRun r = Check(Cat("-o json ", kSampleGates, "samples"));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out.substr(0, 2000);
  nlohmann::json report = nlohmann::json::parse(r.out);
  // 89 RayCluster/RayJob/RayService/RayCronJob documents and 74 others
  // (ConfigMaps, Services, ...) in the samples copied from KubeRay v1.7.0.
  EXPECT_EQ(report["summary"]["checked"], 89);
  EXPECT_EQ(report["summary"]["skipped"], 74);
  EXPECT_EQ(report["summary"]["warnings"], 0);
  EXPECT_EQ(report["summary"]["denied"], 0);
  EXPECT_EQ(report["summary"]["errors"], 0);
}

TEST(CheckE2eTest, OutputOrderDoesNotDependOnParallelism) {
  CheckRun one = Check("-o json -j 1 samples check");
  CheckRun many = Check("-o json -j 8 samples check");
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(one.out, many.out);
}

TEST(CheckE2eTest, OneStreamCheckedInParallelKeepsDocumentOrder) {
  // Every sample as one multi-document stream, as `helm template` prints.
  const std::string stream = Cat(ScratchDir(), "/all-samples.yaml");
  {
    std::ofstream out(stream);
    for (const auto& e :
         std::filesystem::directory_iterator(FixturePath("samples"))) {
      if (e.path().extension() != ".yaml") continue;
      out << ReadFile(e.path().string()) << "\n---\n";
    }
  }
  for (const char* args : {"-o json -", "--mutate -"}) {
    CheckRun one = Check(Cat(kSampleGates, "-j 1 ", args), stream);
    CheckRun many = Check(Cat(kSampleGates, "-j 4 ", args), stream);
    EXPECT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(one.out, many.out) << args;
  }
}

TEST(CheckE2eTest, EachFormatMatchesItsGolden) {
  for (const report::FormatInfo& f : report::Formats()) {
    const std::string name(f.name);
    CheckRun r = Check(Cat("-o ", name, " ", kGoldenInputs));
    EXPECT_EQ(r.exit_code, 1) << name << ": " << r.err;
    ExpectGolden(Cat(name, ".", std::string(f.extension)), r.out);
  }
}

TEST(CheckE2eTest, HelpNamesEveryFormat) {
  CheckRun r = Check("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const report::FormatInfo& f : report::Formats()) {
    EXPECT_THAT(r.out, HasSubstr(std::string(f.name)));
  }
  EXPECT_THAT(r.out, HasSubstr(report::FormatNameList()));
}

TEST(CheckE2eTest, SarifValidatesAgainstTheSarifSchema) {
  CheckRun r = Check(Cat("-o sarif ", kGoldenInputs, " manifest/broken.yaml"));
  ASSERT_EQ(r.exit_code, 2) << r.err;
  nlohmann::json schema_json = nlohmann::json::parse(
      ReadFile(FixturePath("sarif/sarif-2.1.0-rtm.5.json")));
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  nlohmann::json sarif = nlohmann::json::parse(r.out);
  valijson::adapters::NlohmannJsonAdapter target(sarif);
  valijson::Validator validator;
  valijson::ValidationResults results;
  const bool valid = validator.validate(schema, target, &results);
  std::string errors;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    for (const std::string& p : e.context) errors += p;
    errors.append(": ").append(e.description).append("\n");
  }
  EXPECT_TRUE(valid) << errors;
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 4u);
}

TEST(CheckE2eTest, ReadsStdin) {
  CheckRun r = Check("-o json -", FixturePath("check/mixed.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["results"].size(), 2u);
  EXPECT_EQ(report["results"][1]["file"], "stdin");
  EXPECT_EQ(report["results"][1]["document"], 2);
  EXPECT_EQ(report["results"][1]["violations"][0]["line"], 30);
  EXPECT_EQ(report["summary"]["skipped"], 1);
}

TEST(CheckE2eTest, ExpandsKubectlListsWithItemIndexAndLine) {
  CheckRun r = Check("-o json check/list.yaml");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json result = nlohmann::json::parse(r.out)["results"][0];
  EXPECT_EQ(result["item"], 1);
  EXPECT_EQ(result["name"], "9-lives");
  EXPECT_EQ(result["violations"][0]["path"], "metadata.name");
  EXPECT_EQ(result["violations"][0]["line"], 16);
  EXPECT_EQ(result["violations"][0]["column"], 5);
}

TEST(CheckE2eTest, BrokenYamlExitsTwoWithFileAndLine) {
  CheckRun r = Check("manifest/broken.yaml manifest/duplicate_key.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("manifest/broken.yaml:10:5: error: "));
  EXPECT_THAT(r.out, HasSubstr("manifest/duplicate_key.yaml:7:5: error: key "
                               "\"team\" already set in map"));
  // The valid document before the error was still checked.
  EXPECT_THAT(r.out, HasSubstr("1 checked"));
}

TEST(CheckE2eTest, HostileYamlIsAnErrorNotACrash) {
  CheckRun r = Check("manifest/billion_laughs.yaml manifest/deep.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("excessive aliasing"));
  EXPECT_THAT(r.out, HasSubstr("nesting deeper than"));
}

TEST(CheckE2eTest, MissingPathIsReportedAndTheRestChecked) {
  CheckRun r = Check("no/such/file.yaml check/invalid_name.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("no/such/file.yaml: error: no such file"));
  EXPECT_THAT(r.out, HasSubstr("check/invalid_name.yaml:6:3: metadata.name"));
}

TEST(CheckE2eTest, DocumentWithoutKindIsAnError) {
  CheckRun r = Check("manifest/kubectl_list.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("manifest/kubectl_list.yaml:20:3: error: "
                               "apiVersion not set, kind not set"));
}

TEST(CheckE2eTest, UpdateComparesWithTheOldObject) {
  const char kNew[] = "check/update/new.yaml";
  EXPECT_EQ(Check(kNew).exit_code, 0);  // as a CREATE nothing is wrong
  CheckRun r = Check(Cat("--operation UPDATE --old check/update/old.yaml ", kNew));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("check/update/new.yaml:8:3: spec.managedBy: "
                               "Invalid value: \"kueue.x-k8s.io/multikueue\": "
                               "field is immutable"));
}

TEST(CheckE2eTest, UpdateRatchetsFaultsTheOldObjectAlreadyHad) {
  const char kOld[] = "--operation UPDATE --old check/ratchet/old.yaml ";
  EXPECT_EQ(Check("check/ratchet/relabelled.yaml").exit_code, 1);  // CREATE
  CheckRun same = Check(Cat(kOld, "check/ratchet/relabelled.yaml"));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_THAT(same.out,
              HasSubstr("warning: spec.workerGroupSpecs[0].minReplicas: "
                        "Invalid value: 3: must be less than or equal "
                        "to maxReplicas (2) (unchanged since the "
                        "object was stored)"));
  CheckRun worse = Check(Cat(kOld, "check/ratchet/worse.yaml"));
  EXPECT_EQ(worse.exit_code, 1) << worse.out;
  EXPECT_THAT(worse.out, HasSubstr("Invalid value: 4"));
}

TEST(CheckE2eTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Check("-o yaml check").exit_code, 2);
  EXPECT_EQ(Check("").exit_code, 2);
  CheckRun gates = Check("--feature-gates RayJobDeletionPolicy=maybe check");
  EXPECT_EQ(gates.exit_code, 2);
  EXPECT_THAT(gates.err, HasSubstr("--feature-gates"));
  EXPECT_EQ(Check("--old no/such/old.yaml --operation UPDATE check").exit_code,
            2);
}

// The bundled library's mutating policies, named as a team would.
std::string BundledPolicies() {
  return Cat("--policies '", SourcePath("policies"), "' ");
}

TEST(CheckE2eTest, MutatePrintsEveryDocumentAsYaml) {
  CheckRun r = Check(Cat(BundledPolicies(), "--mutate check/mixed.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string mutated = Cat(ScratchDir(), "/mutated.yaml");
  std::ofstream(mutated) << r.out;
  CheckRun again = Check(Cat(BundledPolicies(), "-o json ", mutated));
  nlohmann::json report = nlohmann::json::parse(again.out);
  EXPECT_EQ(report["summary"]["documents"], 3);
  EXPECT_EQ(report["summary"]["denied"], 1);
  EXPECT_THAT(r.out, HasSubstr("enabled: \"yes\""));  // still a string
  EXPECT_THAT(r.err, HasSubstr("Summary: 3 documents"));
}

TEST(CheckE2eTest, MutateJsonCarriesAPatchPerDocument) {
  CheckRun r = Check(Cat(BundledPolicies(), "--mutate -o json check/mixed.yaml"));
  nlohmann::json report = nlohmann::json::parse(r.out);
  for (const auto& result : report["results"]) {
    EXPECT_TRUE(result["patch"].is_array()) << result.dump();
  }
}

TEST(CheckE2eTest, ColourOnlyWhenAskedOrOnATerminal) {
  EXPECT_THAT(Check("check/invalid_name.yaml").out,
              ::testing::Not(HasSubstr("\033[")));
  EXPECT_THAT(Check("--color always check/invalid_name.yaml").out,
              HasSubstr("\033["));
}

}  // namespace
}  // namespace rayguard
