// What keeps the webhook from freezing objects or opening up, through the
// real `rayguard serve` over HTTPS: UPDATE ratcheting, deletions that are
// never blocked, secrets that are never echoed, and a policy directory that
// disappears at run time or is missing at start-up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

// Denies heads outside the approved registry and, as a Warn, quotes a
// credential annotation and the head's command in its message: policy
// authors write such messages, and rayguard must not pass them on.
constexpr char kPolicies[] = R"yaml(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: approved-registry
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  validations:
  - expression: >-
      object.spec.headGroupSpec.template.spec.containers.all(c,
      c.image.startsWith('registry.example.com/'))
    message: images must come from registry.example.com
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: approved-registry-binding
spec:
  policyName: approved-registry
  validationActions: [Deny]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: chatty
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  validations:
  - expression: "!has(object.metadata.annotations)"
    messageExpression: >-
      'db password ' + object.metadata.annotations['example.com/db-password'] +
      ', command ' + object.spec.headGroupSpec.template.spec.containers[0].command.join(' ')
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: chatty-binding
spec:
  policyName: chatty
  validationActions: [Warn]
)yaml";

// Secret values the object below carries, none of which may come back.
const char* const kSecrets[] = {"31337", "hunter2", "Sup3rS3cret",
                                "s3cr3tT0ken", "98765432"};

class ServeUpdateSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.MakeCa("ca");
    pki_.IssueServer("ca", "server");
    RunOrFail("mkdir -p " + pki_.Path("policies"));
    std::ofstream(pki_.Path("policies/policies.yaml")) << kPolicies;
  }

  std::vector<std::string> Args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {
        "--tls-cert",       pki_.Path("server.crt"),
        "--tls-key",        pki_.Path("server.key"),
        "--schemas",        SourcePath("schemas"),
        "--policies",       pki_.Path("policies"),
        "--watch-interval", "0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // KubeRay's sample from the approved registry, valid in every respect.
  static json Valid() {
    json o = json::parse(ReadFile(FixturePath(
        "admission/raycluster_create_v1.json")))["request"]["object"];
    for (json* group :
         {&o["spec"]["headGroupSpec"], &o["spec"]["workerGroupSpecs"][0]}) {
      json& c = (*group)["template"]["spec"]["containers"][0];
      c["image"] = "registry.example.com/" + c["image"].get<std::string>();
    }
    return o;
  }
  static json MinAboveMax(json o) {
    o["spec"]["workerGroupSpecs"][0]["minReplicas"] = 6;  // maxReplicas 5
    return o;
  }

  // Posts `object` to /validate as CREATE (old_object null) or UPDATE.
  json Review(const ServeProcess& server, const json& object,
              const json& old_object = nullptr) {
    json review = json::parse(
        ReadFile(FixturePath("admission/raycluster_create_v1.json")));
    json& request = review["request"];
    request["object"] = object;
    request["oldObject"] = old_object;
    if (!old_object.is_null()) {
      request["operation"] = "UPDATE";
      request["options"]["kind"] = "UpdateOptions";
    }
    TlsConnection c({server.port(), pki_.Path("ca.crt"), "", ""});
    EXPECT_TRUE(c.ok()) << c.error();
    HttpResponse r = c.Request("POST", "/validate", review.dump());
    EXPECT_EQ(r.status, 200);
    responses_ += r.body;
    return json::parse(r.body)["response"];
  }

  std::string Get(const ServeProcess& server, const std::string& path) {
    TlsConnection c({server.port(), pki_.Path("ca.crt"), "", ""});
    return c.Request("GET", path, "", "").body;
  }

  TestPki pki_;
  std::string responses_;  // every review answer, for the secrets scan
};

std::string Warnings(const json& response) {
  return response.value("warnings", json::array()).dump();
}

TEST_F(ServeUpdateSafetyTest, UnchangedViolationIsAWarningAndANewOneIsDenied) {
  ServeProcess server(Args());
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  // Stored when rayguard did not yet judge it; now only a label changes.
  const json stored = MinAboveMax(Valid());
  json relabelled = stored;
  relabelled["metadata"]["labels"]["team"] = "ml";
  json unchanged = Review(server, relabelled, stored);
  EXPECT_EQ(unchanged["allowed"], true) << unchanged.dump();
  EXPECT_THAT(Warnings(unchanged),
              HasSubstr("spec.workerGroupSpecs[0].minReplicas: Invalid value: "
                        "6: must be less than or equal to maxReplicas (5) "
                        "(unchanged since the object was stored)"));

  json introduced = Review(server, MinAboveMax(Valid()), Valid());
  EXPECT_EQ(introduced["allowed"], false);
  EXPECT_THAT(
      introduced["status"]["message"].get<std::string>(),
      HasSubstr("spec.workerGroupSpecs[0].minReplicas: Invalid value: 6"));

  // Organisational policies are not ratcheted: a stored object from an
  // unapproved registry stays denied on update, as the API server would.
  json unapproved = stored;
  unapproved["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
            ["image"] = "rayproject/ray:2.52.0";
  json policy = Review(server, unapproved, unapproved);
  EXPECT_EQ(policy["allowed"], false);
  EXPECT_THAT(policy["status"]["message"].get<std::string>(),
              HasSubstr("images must come from registry.example.com"));
}

TEST_F(ServeUpdateSafetyTest, RatchetingOffDeniesButDeletionsStillPass) {
  ServeProcess server(Args({"--ratcheting=false"}));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  json stored = MinAboveMax(Valid());
  json relabelled = stored;
  relabelled["metadata"]["labels"]["team"] = "ml";
  EXPECT_EQ(Review(server, relabelled, stored)["allowed"], false);

  // The operator removes its finalizer from the Terminating object.
  stored["metadata"]["deletionTimestamp"] = "2026-12-08T00:00:00Z";
  stored["metadata"]["finalizers"] = {"ray.io/gcs-ft-redis-cleanup-finalizer"};
  json released = stored;
  released["metadata"].erase("finalizers");
  json r = Review(server, released, stored);
  EXPECT_EQ(r["allowed"], true) << r.dump();
  EXPECT_THAT(Warnings(r), HasSubstr("minReplicas"));
  EXPECT_THAT(Warnings(r), HasSubstr("the object is being deleted"));
  // A spec change while Terminating is still judged.
  json resized = stored;
  resized["spec"]["workerGroupSpecs"][0]["minReplicas"] = 7;
  EXPECT_EQ(Review(server, resized, stored)["allowed"], false);
}

TEST_F(ServeUpdateSafetyTest, SecretValuesAppearInNoResponseAndNoLogLine) {
  ServeProcess server(Args());
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  json o = Valid();
  json& head = o["spec"]["headGroupSpec"];
  head["rayStartParams"]["redis-password"] = 31337;  // not a string
  json& c = head["template"]["spec"]["containers"][0];
  c["env"] = {"DB_PASSWORD=hunter2"};  // not an EnvVar object
  c["command"] = {"sh", "-c", "ray start --token s3cr3tT0ken"};
  c["args"] = {98765432};  // not a string
  o["metadata"]["annotations"]["example.com/db-password"] = "Sup3rS3cret";
  json created = Review(server, o);
  EXPECT_EQ(created["allowed"], false);
  const std::string message = created["status"]["message"];
  EXPECT_THAT(message, HasSubstr("rayStartParams[redis-password]: Invalid "
                                 "value: <redacted: number, 5 digits>"));
  EXPECT_THAT(message, HasSubstr("env[0]: Invalid value: <redacted: string, "
                                 "19 bytes>"));
  EXPECT_THAT(Warnings(created), HasSubstr("db password <redacted: string, "
                                           "11 bytes>, command sh -c "
                                           "<redacted: string, 29 bytes>"));
  // The same object stored and updated: ratcheted warnings, same rule.
  json relabelled = o;
  relabelled["metadata"]["labels"]["team"] = "ml";
  Review(server, relabelled, o);
  const std::string log = server.Log();
  for (const char* secret : kSecrets) {
    EXPECT_THAT(responses_, Not(HasSubstr(secret))) << secret;
    EXPECT_THAT(log, Not(HasSubstr(secret))) << secret;
  }
}

TEST_F(ServeUpdateSafetyTest, PolicyDirectoryMovedAwayKeepsTheLastGoodSet) {
  ServeProcess server(Args());
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  json unapproved = Valid();
  unapproved["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
            ["image"] = "rayproject/ray:2.52.0";
  ASSERT_EQ(Review(server, unapproved)["allowed"], false);
  EXPECT_THAT(Get(server, "/metrics"),
              HasSubstr("rayguard_policies_last_reload_success_timestamp_"
                        "seconds "));

  RunOrFail("mv " + pki_.Path("policies") + " " + pki_.Path("moved"));
  EXPECT_TRUE(Eventually([&] {
    return server.Log().find("policy reload failed") != std::string::npos;
  })) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("--policies " + pki_.Path("policies") +
                                      ": does not exist"));
  json after = Review(server, unapproved);
  EXPECT_EQ(after["allowed"], false);
  EXPECT_THAT(after["status"]["message"].get<std::string>(),
              HasSubstr("images must come from registry.example.com"));
  const std::string metrics = Get(server, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("rayguard_policy_reload_errors_total 1"));
  EXPECT_THAT(metrics, HasSubstr("rayguard_policies_loaded 2"));

  // Emptied in place is no better than gone.
  RunOrFail("mkdir " + pki_.Path("policies"));
  EXPECT_TRUE(Eventually([&] {
    return Get(server, "/metrics")
               .find("rayguard_policy_reload_errors_total 2") !=
           std::string::npos;
  })) << server.Log();
  EXPECT_EQ(Review(server, unapproved)["allowed"], false);
}

TEST_F(ServeUpdateSafetyTest, AMissingPolicyPathRefusesToStart) {
  const std::string missing = pki_.Path("no-such-policies");
  std::vector<std::string> args = Args();
  args[7] = missing;  // the --policies value
  ServeProcess server(args);
  EXPECT_FALSE(server.WaitUntilListening());
  EXPECT_EQ(server.WaitForExit(milliseconds(10000)), 2);
  EXPECT_THAT(server.Log(), HasSubstr("--policies " + missing));
}

TEST_F(ServeUpdateSafetyTest, AnEmptyPolicyDirectoryStartsWithAWarning) {
  RunOrFail("mkdir " + pki_.Path("empty"));
  std::vector<std::string> args = Args();
  args[7] = pki_.Path("empty");
  ServeProcess server(args);
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  EXPECT_THAT(server.Log(),
              HasSubstr("configuration directory is empty; nothing loaded"));
  EXPECT_THAT(server.Log(), HasSubstr(pki_.Path("empty")));
}

}  // namespace
}  // namespace rayguard::testing
