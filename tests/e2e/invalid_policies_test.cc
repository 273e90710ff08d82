// A policy that does not compile, as both verbs meet it: `serve` refuses to
// start and `check` exits 2, each naming the file and the policy; with
// --skip-invalid-policies both run without it, say so loudly, count it
// (`serve` in its metrics) and still enforce the policies that did load.
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kPolicy[] = R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: NAME
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  validations:
  - expression: EXPRESSION
    message: clusters need a team label
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: NAME-binding
spec:
  policyName: NAME
  validationActions: [Deny]
)";

// Concatenation by append: GCC 12 misreports `"literal" + std::string&&`
// under -Wrestrict (GCC bug 105329).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

std::string Policy(const std::string& name, const std::string& expression) {
  std::string text = kPolicy;
  for (std::size_t at; (at = text.find("NAME")) != std::string::npos;) {
    text.replace(at, 4, name);
  }
  text.replace(text.find("EXPRESSION"), 10, expression);
  return text;
}

class InvalidPoliciesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    RunOrFail(Cat("mkdir -p ", pki_->Path("policies")));
    std::ofstream(pki_->Path("policies/team-label.yaml"))
        << Policy("e2e-team-label", "\"'team' in object.metadata.?labels."
                                    "orValue({})\"");
    std::ofstream(pki_->Path("policies/broken.yaml"))
        << Policy("e2e-broken", "\"object.spec.((\"");
  }
  static void TearDownTestSuite() { delete pki_; }

  static std::vector<std::string> ServeArgs(bool skip) {
    std::vector<std::string> args = {
        "--tls-cert", pki_->Path("server.crt"), "--tls-key",
        pki_->Path("server.key"), "--policies", pki_->Path("policies")};
    if (skip) args.push_back("--skip-invalid-policies");
    return args;
  }

  struct Run {
    int exit_code = -1;
    std::string out, err;
  };
  // `rayguard check` on KubeRay's complete sample (no labels).
  static Run Check(const std::string& flags) {
    const std::string out = pki_->Path("check.out");
    const std::string err = pki_->Path("check.err");
    const std::string cmd =
        Cat("'", BinaryPath(), "' check -o json --policies '",
            pki_->Path("policies"), "' ", flags, " '",
            FixturePath("samples/ray-cluster.complete.yaml"), "' >'", out,
            "' 2>'", err, "'");
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out),
            ReadFile(err)};
  }

  static TestPki* pki_;
};

TestPki* InvalidPoliciesTest::pki_ = nullptr;

TEST_F(InvalidPoliciesTest, ServeRefusesToStartNamingFileAndPolicy) {
  ServeProcess server(ServeArgs(/*skip=*/false));
  EXPECT_FALSE(server.WaitUntilListening());
  EXPECT_EQ(server.WaitForExit(std::chrono::seconds(30)), 2);
  EXPECT_THAT(server.Log(), HasSubstr("broken.yaml"));
  EXPECT_THAT(server.Log(), HasSubstr("e2e-broken"));
}

TEST_F(InvalidPoliciesTest, ServeSkipsItWhenToldAndEnforcesTheRest) {
  ServeProcess server(ServeArgs(/*skip=*/true));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("broken.yaml"));
  EXPECT_THAT(server.Log(), HasSubstr("invalid policies or bindings skipped"));
  TlsConnection metrics({server.port(), pki_->Path("ca.crt"), "", ""});
  const std::string body = metrics.Request("GET", "/metrics", "", "").body;
  EXPECT_THAT(body, HasSubstr("rayguard_policies_loaded 1\n"));
  // The broken policy and its binding.
  EXPECT_THAT(body, HasSubstr("rayguard_policies_skipped 2\n"));

  json review = json::parse(
      ReadFile(FixturePath("admission/raycluster_create_v1.json")));
  TlsConnection c({server.port(), pki_->Path("ca.crt"), "", ""});
  json response =
      json::parse(c.Request("POST", "/validate", review.dump()).body);
  EXPECT_EQ(response["response"]["allowed"], false);
  EXPECT_THAT(response["response"]["status"]["message"].get<std::string>(),
              HasSubstr("clusters need a team label"));
}

TEST_F(InvalidPoliciesTest, CheckExitsTwoNamingFileAndPolicy) {
  Run r = Check("");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("broken.yaml"));
  EXPECT_THAT(r.err, HasSubstr("e2e-broken"));
  EXPECT_EQ(r.out, "");
}

TEST_F(InvalidPoliciesTest, CheckSkipsItWhenToldAndEnforcesTheRest) {
  Run r = Check("--skip-invalid-policies");
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the team-label policy denies
  EXPECT_THAT(r.err, HasSubstr("broken.yaml"));
  EXPECT_THAT(r.err, HasSubstr("WARNING: 2 invalid policies or bindings "
                               "skipped (--skip-invalid-policies)"));
  json report = json::parse(r.out);  // stdout stays a clean report
  EXPECT_EQ(report["results"][0]["violations"][0]["rule"],
            "policy/e2e-team-label/0");
}

}  // namespace
}  // namespace rayguard::testing
