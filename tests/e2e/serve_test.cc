// Black-box tests of `rayguard serve`: the real binary, real HTTPS with a
// CA and certificates generated per test run, certificate verification on.
#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

std::string Review(const std::string& name) {
  return ReadFile(FixturePath("admission/" + name));
}

// One server for the whole suite: starting it is the slow part.
class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    RunOrFail("mkdir -p " + pki_->Path("policies"));
    server_ = new ServeProcess(
        {"--tls-cert", pki_->Path("server.crt"), "--tls-key",
         pki_->Path("server.key"), "--schemas", SourcePath("schemas"),
         "--policies", pki_->Path("policies"), "--max-body-bytes", "65536"});
    ASSERT_TRUE(server_->WaitUntilListening()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
  }

  static TlsConnection Connect() {
    return TlsConnection({server_->port(), pki_->Path("ca.crt"), "", ""});
  }

  static TestPki* pki_;
  static ServeProcess* server_;
};

TestPki* ServeTest::pki_ = nullptr;
ServeProcess* ServeTest::server_ = nullptr;

TEST_F(ServeTest, AllowsTheKubeRaySample) {
  TlsConnection c = Connect();
  ASSERT_TRUE(c.ok()) << c.error();
  HttpResponse r = c.Request("POST", "/validate", Review("raycluster_create_v1.json"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.headers["content-type"], HasSubstr("application/json"));
  json review = json::parse(r.body);
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  EXPECT_EQ(review["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(review["response"]["allowed"], true);
}

TEST_F(ServeTest, DeniesABadNameWithItsPathInReviewLogAndMetrics) {
  TlsConnection c = Connect();
  HttpResponse r = c.Request("POST", "/validate", Review("raycluster_bad_name_v1.json"));
  ASSERT_EQ(r.status, 200);  // a denial is still a successful call
  json response = json::parse(r.body)["response"];
  EXPECT_EQ(response["uid"], "b5a3e2a4-0c1d-4c53-9d1e-5f0e8f5d2b01");
  EXPECT_EQ(response["allowed"], false);
  EXPECT_EQ(response["status"]["code"], 422);
  EXPECT_EQ(response["status"]["reason"], "Invalid");
  EXPECT_THAT(response["status"]["message"].get<std::string>(),
              HasSubstr("is invalid: [metadata.name: Invalid value: "
                        "\"Train-Cluster-For-The-Very-Long-Named-Research-"
                        "Team-East\": must be no more than 53 characters"));
  EXPECT_EQ(response["status"]["details"]["causes"][0]["field"], "metadata.name");

  HttpResponse metrics = c.Request("GET", "/metrics", "", "");
  EXPECT_THAT(metrics.body,
              HasSubstr("rayguard_violations_total{rule=\"kuberay/raycluster-name\"}"));
  EXPECT_THAT(metrics.body,
              HasSubstr("rayguard_admission_requests_total{endpoint=\"validate\","
                        "kind=\"RayCluster\",operation=\"CREATE\",verdict=\"denied\"}"));

  ASSERT_TRUE(server_->WaitForLog(
      R"("uid":"b5a3e2a4-0c1d-4c53-9d1e-5f0e8f5d2b01")"));
  const std::string log = server_->Log();
  EXPECT_THAT(log, HasSubstr(R"("verdict":"denied")"));
  EXPECT_THAT(log, HasSubstr(R"("rules":["kuberay/raycluster-name","kuberay/raycluster-name"])"));
  // Identifiers only: nothing from the object's spec reaches the log.
  EXPECT_THAT(log, Not(HasSubstr("rayproject/ray")));
}

TEST_F(ServeTest, AnswersV1beta1InV1beta1) {
  TlsConnection c = Connect();
  HttpResponse r =
      c.Request("POST", "/validate", Review("raycluster_update_v1beta1.json"));
  ASSERT_EQ(r.status, 200);
  json review = json::parse(r.body);
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1beta1");
  EXPECT_EQ(review["response"]["allowed"], true);
}

TEST_F(ServeTest, MutateWithoutMutationsSendsNoPatch) {
  TlsConnection c = Connect();
  HttpResponse r = c.Request("POST", "/mutate", Review("raycluster_create_v1.json"));
  ASSERT_EQ(r.status, 200);
  json response = json::parse(r.body)["response"];
  EXPECT_EQ(response["allowed"], true);
  EXPECT_FALSE(response.contains("patch"));
}

TEST_F(ServeTest, AllowsOtherKindsAndDeletes) {
  TlsConnection c = Connect();
  for (const char* name : {"pod_create_v1.json", "raycluster_delete_v1.json"}) {
    HttpResponse r = c.Request("POST", "/validate", Review(name));
    ASSERT_EQ(r.status, 200) << name;
    EXPECT_EQ(json::parse(r.body)["response"]["allowed"], true) << name;
  }
}

struct BadRequest {
  const char* name;
  std::string method;
  std::string path;
  std::string body;
  std::string content_type;
  int status;
  const char* says;
};

class ServeRejects : public ServeTest,
                     public ::testing::WithParamInterface<BadRequest> {};

TEST_P(ServeRejects, WithStatusAndJsonError) {
  const BadRequest& b = GetParam();
  TlsConnection c = Connect();
  HttpResponse r = c.Request(b.method, b.path, b.body, b.content_type);
  EXPECT_EQ(r.status, b.status) << r.body;
  json body = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.body;
  EXPECT_THAT(body.value("error", ""), HasSubstr(b.says));
}

const char kNoUid[] =
    R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}})";

INSTANTIATE_TEST_SUITE_P(
    BadRequests, ServeRejects,
    ::testing::Values(
        BadRequest{"GetValidate", "GET", "/validate", "", "", 405, "use POST"},
        BadRequest{"PutMutate", "PUT", "/mutate", "{}", "application/json", 405,
                   "use POST"},
        BadRequest{"PostMetrics", "POST", "/metrics", "{}", "application/json",
                   405, "use GET"},
        BadRequest{"TextBody", "POST", "/validate", "{}", "text/plain", 415,
                   "application/json"},
        BadRequest{"NoContentType", "POST", "/validate", "{}", "", 415,
                   "application/json"},
        BadRequest{"TooLarge", "POST", "/validate", std::string(70000, ' '),
                   "application/json", 413, "exceeds 65536 bytes"},
        BadRequest{"MalformedJson", "POST", "/validate", "{\"apiVersion\":",
                   "application/json", 400, "malformed JSON"},
        BadRequest{"NotAReview", "POST", "/validate",
                   R"({"apiVersion":"v1","kind":"Pod"})", "application/json",
                   400, "apiVersion must be admission.k8s.io"},
        BadRequest{"NoUid", "POST", "/mutate", kNoUid, "application/json", 400,
                   "request.uid"},
        BadRequest{"UnknownPath", "GET", "/nope", "", "", 404, "not found"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ServeTest, HealthReadinessAndMetricsEndpoints) {
  TlsConnection c = Connect();
  EXPECT_EQ(c.Request("GET", "/healthz", "", "").status, 200);
  EXPECT_EQ(c.Request("GET", "/readyz", "", "").status, 200);
  HttpResponse m = c.Request("GET", "/metrics", "", "");
  EXPECT_EQ(m.status, 200);
  for (const char* name :
       {"rayguard_admission_duration_seconds_bucket{endpoint=\"validate\",le=\"5e-05\"}",
        "rayguard_policies_loaded ", "rayguard_certificate_expiry_timestamp_seconds ",
        "rayguard_policy_reload_errors_total "}) {
    EXPECT_THAT(m.body, HasSubstr(name));
  }
}

// 8 clients, each on its own keep-alive connection, 200 reviews apiece,
// alternating allowed and denied: every answer must match its request.
TEST_F(ServeTest, EightConcurrentClientsGetTheirOwnAnswers) {
  const std::string allow = Review("raycluster_create_v1.json");
  const std::string deny = Review("raycluster_bad_name_v1.json");
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      TlsConnection c = Connect();
      for (int i = 0; i < 200 && c.ok(); ++i) {
        const bool denied = i % 2 == 1;
        HttpResponse r = c.Request("POST", "/validate", denied ? deny : allow);
        json resp = json::parse(r.body, nullptr, false)["response"];
        const char* uid = denied ? "b5a3e2a4-0c1d-4c53-9d1e-5f0e8f5d2b01"
                                 : "705ab4f5-6393-11e8-b7cc-42010a800002";
        if (r.status == 200 && resp.value("uid", "") == uid &&
            resp.value("allowed", denied) == !denied) {
          ++correct;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(correct.load(), 8 * 200);
}

}  // namespace
}  // namespace rayguard::testing
