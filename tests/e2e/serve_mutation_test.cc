// Mutation through the real `rayguard serve` over HTTPS: the bundled
// mutation policies (with team-a's ConfigMaps as params) and one written
// here that would break the schema, AdmissionReviews posted to /mutate, and
// the JSONPatch the API server would apply, applied here by python3-jsonpatch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"
#include "tests/unit/mutation/independent_patch.h"

namespace rayguard::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Adds a value the schema forbids (rayStartParams values are strings), on
// objects labelled for it only.
constexpr char kBreakSchemaPolicy[] = R"(
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: e2e-break-schema
spec:
  matchConstraints:
    objectSelector:
      matchLabels: {e2e/break-schema: "yes"}
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [rayclusters]
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: >-
        [JSONPatch{op: 'add', path: '/spec/headGroupSpec/rayStartParams/num-gpus', value: 1}]
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: e2e-break-schema
spec:
  policyName: e2e-break-schema
)";

std::string Base64Decode(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return "";
  // EVP_DecodeBlock counts the bytes '=' padding stands for.
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') {
    ++pad;
  }
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

class ServeMutationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    namespace fs = std::filesystem;
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    fs::create_directories(pki_->Path("policies/params"));
    for (const auto& entry : fs::directory_iterator(SourcePath("policies"))) {
      std::string name = entry.path().filename().string();
      if (name.rfind("mutate-", 0) == 0) {
        fs::copy_file(entry.path(), pki_->Path("policies/" + name));
      }
    }
    fs::copy_file(SourcePath("policies/tests/resources/team-a.yaml"),
                  pki_->Path("policies/params/team-a.yaml"));
    std::ofstream(pki_->Path("policies/e2e-break-schema.yaml"))
        << kBreakSchemaPolicy;
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

  // `object` as a CREATE review in its namespace; returns the response.
  static json Mutate(const json& object, const std::string& kind = "RayCluster",
                     const std::string& resource = "rayclusters") {
    json review = json::parse(
        ReadFile(FixturePath("admission/raycluster_create_v1.json")));
    for (const char* field : {"kind", "requestKind"}) {
      review["request"][field]["kind"] = kind;
    }
    for (const char* field : {"resource", "requestResource"}) {
      review["request"][field]["resource"] = resource;
    }
    review["request"]["object"] = object;
    review["request"]["name"] = object["metadata"]["name"];
    review["request"]["namespace"] = object["metadata"]["namespace"];
    TlsConnection c({server_->port(), pki_->Path("ca.crt"), "", ""});
    EXPECT_TRUE(c.ok()) << c.error();
    HttpResponse r = c.Request("POST", "/mutate", review.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    json response = json::parse(r.body, nullptr, false);
    EXPECT_EQ(response["response"]["uid"], review["request"]["uid"]);
    return response["response"];
  }

  static TestPki* pki_;
  static ServeProcess* server_;
};

TestPki* ServeMutationTest::pki_ = nullptr;
ServeProcess* ServeMutationTest::server_ = nullptr;

TEST_F(ServeMutationTest,
       PatchAppliedToTheRequestObjectGivesTheExpectedObject) {
  json object = LoadYamlDocument(FixturePath("mutation/webhook_cluster.yaml"));
  json response = Mutate(object);
  EXPECT_EQ(response["allowed"], true) << response.dump();
  EXPECT_EQ(response["patchType"], "JSONPatch");
  json patch =
      json::parse(Base64Decode(response.value("patch", "")), nullptr, false);
  ASSERT_TRUE(patch.is_array()) << response.dump();
  std::vector<json> applied = ApplyIndependently({{object, patch}});
  EXPECT_EQ(
      applied[0].value("result", json()),
      LoadYamlDocument(FixturePath("mutation/webhook_cluster.mutated.yaml")))
      << patch.dump(1);
  // Minimal: new list elements and map keys are added where they go, and
  // `/` in label keys is escaped.
  EXPECT_THAT(
      patch.dump(),
      HasSubstr(R"("path":"/metadata/labels/app.kubernetes.io~1part-of")"));
  EXPECT_THAT(patch.dump(), ::testing::Not(HasSubstr(R"("op":"replace")")));
}

TEST_F(ServeMutationTest, ARayJobsClusterIsMutatedAsARayClustersIs) {
  json job;
  for (const json& doc : LoadYamlDocuments(
           SourcePath("policies/tests/resources/mutation-clusters.yaml"))) {
    if (doc["metadata"]["name"] == "gpu-job") job = doc;
  }
  ASSERT_TRUE(job.is_object());
  json response = Mutate(job, "RayJob", "rayjobs");
  EXPECT_EQ(response["allowed"], true) << response.dump();
  json patch =
      json::parse(Base64Decode(response.value("patch", "")), nullptr, false);
  ASSERT_TRUE(patch.is_array()) << response.dump();
  std::vector<json> applied = ApplyIndependently({{job, patch}});
  EXPECT_EQ(
      applied[0].value("result", json()),
      LoadYamlDocument(SourcePath("policies/tests/expected/gpu-job.yaml")))
      << patch.dump(1);
}

TEST_F(ServeMutationTest, AnObjectThatNeedsNothingGetsNoPatch) {
  json response = Mutate(
      LoadYamlDocument(FixturePath("mutation/webhook_cluster.mutated.yaml")));
  EXPECT_EQ(response["allowed"], true) << response.dump();
  EXPECT_FALSE(response.contains("patch")) << response.dump();
  EXPECT_FALSE(response.contains("patchType")) << response.dump();
}

TEST_F(ServeMutationTest, AMutationThatBreaksTheSchemaIsDeniedNotReturned) {
  json object = LoadYamlDocument(FixturePath("mutation/webhook_cluster.yaml"));
  object["metadata"]["labels"]["e2e/break-schema"] = "yes";
  json response = Mutate(object);
  EXPECT_EQ(response["allowed"], false) << response.dump();
  EXPECT_FALSE(response.contains("patch")) << response.dump();
  EXPECT_THAT(response["status"].value("message", ""),
              HasSubstr("mutation would make the object fail its schema"));
  EXPECT_THAT(response["status"].value("message", ""),
              HasSubstr("spec.headGroupSpec.rayStartParams[num-gpus]"));
}

}  // namespace
}  // namespace rayguard::testing
