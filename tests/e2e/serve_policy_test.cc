// Organisational policies through the real `rayguard serve` over HTTPS: a
// policy directory written here with a Deny, a Warn and an Audit binding,
// AdmissionReviews posted to /validate, and the answers the API server would
// pass on (status code and reason, warnings, audit annotations).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRayClusters[] = R"(  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
)";

std::string Binding(const std::string& name, const std::string& actions) {
  return "---\napiVersion: admissionregistration.k8s.io/v1\n"
         "kind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: " +
         name + "-binding\nspec:\n  policyName: " + name +
         "\n  validationActions: " + actions + "\n";
}

std::string Policy(const std::string& name, const std::string& spec) {
  return "apiVersion: admissionregistration.k8s.io/v1\n"
         "kind: ValidatingAdmissionPolicy\nmetadata:\n  name: " +
         name + "\nspec:\n" + kRayClusters + spec;
}

// A Deny policy per reason (Forbidden, and Invalid by default), a Warn and
// an Audit one with an auditAnnotation.
const char* const kPolicyFiles[][2] = {
    {"worker-cap.yaml", R"(  validations:
  - expression: object.spec.workerGroupSpecs.all(g, g.maxReplicas <= 4)
    message: every worker group scales to at most 4 replicas
    reason: Forbidden
)"},
    {"ray-version.yaml", R"(  validations:
  - expression: "true"
  - expression: object.spec.rayVersion.startsWith('2.')
    messageExpression: "'Ray ' + object.spec.rayVersion + ' is too old'"
)"},
    {"team-label.yaml", R"(  validations:
  - expression: has(object.metadata.labels) && 'team' in object.metadata.labels
    messageExpression: "'no team label on ' + object.metadata.name"
)"},
    {"worker-count.yaml", R"(  validations:
  - expression: size(object.spec.workerGroupSpecs) < 1
    message: has worker groups
  auditAnnotations:
  - key: worker-groups
    valueExpression: string(size(object.spec.workerGroupSpecs))
)"},
};
const char* const kActions[] = {"[Deny]", "[Deny]", "[Warn]", "[Audit]"};

class ServePolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    RunOrFail("mkdir -p " + pki_->Path("policies"));
    for (std::size_t i = 0; i < std::size(kPolicyFiles); ++i) {
      std::string file = kPolicyFiles[i][0];
      std::string name = "e2e-" + file.substr(0, file.size() - 5);
      std::ofstream(pki_->Path("policies/" + file))
          << Policy(name, kPolicyFiles[i][1]) << Binding(name, kActions[i]);
    }
    server_ = new ServeProcess({"--tls-cert", pki_->Path("server.crt"),
                                "--tls-key", pki_->Path("server.key"),
                                "--schemas", SourcePath("schemas"),
                                "--policies", pki_->Path("policies")});
    ASSERT_TRUE(server_->WaitUntilListening()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
  }

  // KubeRay's sample (maxReplicas 5, no labels) as a CREATE review, edited
  // by `edit`; returns the review's response.
  template <typename F>
  static json Validate(F edit) {
    json review = json::parse(
        ReadFile(FixturePath("admission/raycluster_create_v1.json")));
    edit(review["request"]["object"]);
    TlsConnection c({server_->port(), pki_->Path("ca.crt"), "", ""});
    EXPECT_TRUE(c.ok()) << c.error();
    HttpResponse r = c.Request("POST", "/validate", review.dump());
    EXPECT_EQ(r.status, 200);  // denied or not, the call itself succeeds
    return json::parse(r.body)["response"];
  }

  static std::string Metrics() {
    TlsConnection c({server_->port(), pki_->Path("ca.crt"), "", ""});
    return c.Request("GET", "/metrics", "", "").body;
  }

  static TestPki* pki_;
  static ServeProcess* server_;
};

TestPki* ServePolicyTest::pki_ = nullptr;
ServeProcess* ServePolicyTest::server_ = nullptr;

void Compliant(json& o) {
  o["spec"]["workerGroupSpecs"][0]["maxReplicas"] = 4;
  o["metadata"]["labels"] = {{"team", "ml"}};
}

TEST_F(ServePolicyTest, ForbiddenDenyArrivesAs403WithMessageAndRule) {
  json response = Validate([](json& o) {
    o["metadata"]["labels"] = {{"team", "ml"}};
  });
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 403);
  EXPECT_EQ(response["status"]["reason"], "Forbidden");
  EXPECT_THAT(response["status"]["message"].get<std::string>(),
              HasSubstr("ValidatingAdmissionPolicy 'e2e-worker-cap' with "
                        "binding 'e2e-worker-cap-binding' denied request: "
                        "every worker group scales to at most 4 replicas"));
  EXPECT_EQ(response["status"]["details"]["causes"][0]["message"],
            "ValidatingAdmissionPolicy 'e2e-worker-cap' with binding "
            "'e2e-worker-cap-binding' denied request: every worker group "
            "scales to at most 4 replicas");
  EXPECT_THAT(Metrics(), HasSubstr("rayguard_violations_total{rule=\"policy/"
                                   "e2e-worker-cap/0\"}"));
  EXPECT_TRUE(server_->WaitForLog("\"policy/e2e-worker-cap/0\""));
}

TEST_F(ServePolicyTest, InvalidDenyArrivesAs422WithItsMessageExpression) {
  json response = Validate([](json& o) {
    Compliant(o);
    o["spec"]["rayVersion"] = "1.13.0";
  });
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 422);
  EXPECT_EQ(response["status"]["reason"], "Invalid");
  EXPECT_THAT(response["status"]["message"].get<std::string>(),
              HasSubstr("denied request: Ray 1.13.0 is too old"));
  EXPECT_THAT(Metrics(), HasSubstr("rayguard_violations_total{rule=\"policy/"
                                   "e2e-ray-version/1\"}"));
}

TEST_F(ServePolicyTest, WarnArrivesInWarningsAndAllows) {
  json response = Validate([](json& o) {
    Compliant(o);
    o["metadata"].erase("labels");
  });
  EXPECT_EQ(response["allowed"], true);
  EXPECT_FALSE(response.contains("status") &&
               response["status"].contains("code"));
  EXPECT_THAT(response["warnings"],
              ElementsAre("Validation failed for ValidatingAdmissionPolicy "
                          "'e2e-team-label' with binding "
                          "'e2e-team-label-binding': no team label on "
                          "raycluster-kuberay"));
}

TEST_F(ServePolicyTest, AuditArrivesInAuditAnnotationsOnly) {
  json response = Validate(Compliant);
  EXPECT_EQ(response["allowed"], true);
  // Audit is for the audit log, not the user.
  EXPECT_FALSE(response.contains("warnings") && !response["warnings"].empty())
      << response.dump();
  // Keyed as the API server keeps a webhook's annotations: it stores each
  // under "<webhook name>/<key>", so a key may not hold a '/' itself.
  const json& audit = response["auditAnnotations"];
  EXPECT_EQ(audit.size(), 2u) << audit.dump();
  EXPECT_EQ(audit["e2e-worker-count_worker-groups"], "1");
  json failures =
      json::parse(audit["validation.policy.admission.k8s.io_validation_failure"]
                      .get<std::string>());
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["policy"], "e2e-worker-count");
  EXPECT_EQ(failures[0]["binding"], "e2e-worker-count-binding");
  EXPECT_EQ(failures[0]["message"], "has worker groups");
  EXPECT_EQ(failures[0]["expressionIndex"], 0);
  EXPECT_EQ(failures[0]["validationActions"], json::array({"Audit"}));
}

TEST_F(ServePolicyTest, PoliciesAreCountedAndDeniesLogNoObjectContent) {
  EXPECT_THAT(Metrics(), HasSubstr("rayguard_policies_loaded 4"));
  EXPECT_THAT(server_->Log(), Not(HasSubstr("1.13.0")));
}

}  // namespace
}  // namespace rayguard::testing
