// Does what the API server does with the installed manifests: reads the
// webhook configurations' service, path and caBundle, and calls rayguard
// at https://<service>.<namespace>.svc<path>, trusting only that caBundle.
// rayguard serves the pair from the Secret the same manifests install,
// made by certs/generate. This proves certificate, SANs, path and CA
// bundle line up before any cluster sees them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/deploy/deploy_testing.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::nlohmann::json;
using ::testing::HasSubstr;

struct WebhookTarget {
  std::string host;  // <service>.<namespace>.svc, as the API server dials
  std::string path;
};

class CaBundleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindProgram("kubectl").empty()) {
      GTEST_SKIP() << "kubectl is not installed (Debian 12 has no package "
                      "for it), so the manifests cannot be built here";
    }
    CommandOutput certs = RunCommand(ShellQuote(SourcePath("certs/generate")) +
                                     " --namespace ml-admission --out " +
                                     ShellQuote(Dir("certs")));
    ASSERT_EQ(certs.exit_code, 0) << certs.output;
    objects_ = Kustomize(Dir("certs"));
    ASSERT_FALSE(objects_.empty());
    StartServerWithTheSecret();
  }

  // The Secret's tls.crt and tls.key, decoded to files, served by rayguard
  // with an empty policies folder (an empty ConfigMap).
  void StartServerWithTheSecret() {
    json secret = FindObject(objects_, "Secret", "rayguard-tls");
    ASSERT_TRUE(secret.is_object());
    for (const char* key : {"tls.crt", "tls.key"}) {
      ASSERT_TRUE(Base64DecodeTo(secret["data"][key], Dir(key))) << key;
    }
    ASSERT_EQ(RunCommand("mkdir " + ShellQuote(Dir("policies"))).exit_code, 0);
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        BinaryPath(), "serve", "--listen=127.0.0.1:0",
        "--tls-cert=" + Dir("tls.crt"), "--tls-key=" + Dir("tls.key"),
        "--schemas=" + SourcePath("schemas"), "--policies=" + Dir("policies"),
        "--log-format=json", "--shutdown-delay=0"});
    port_ = server_->WaitForPort(std::chrono::seconds(30));
    ASSERT_GT(port_, 0) << "rayguard did not start:\n" << server_->log();
  }

  // The webhook of `kind` as the API server sees it; its caBundle is
  // written to ca_file.
  WebhookTarget Target(const std::string& kind, const std::string& ca_file) {
    json hook = FindObject(objects_, kind)["webhooks"][0];
    const json& service = hook["clientConfig"]["service"];
    EXPECT_TRUE(Base64DecodeTo(hook["clientConfig"]["caBundle"], ca_file));
    return {service["name"].get<std::string>() + "." +
                service["namespace"].get<std::string>() + ".svc",
            service["path"].get<std::string>()};
  }

  json Review(const std::string& name, const std::string& uid) {
    json cluster = LoadYamlDocument(
        FixturePath("samples/ray-cluster.sample.yaml"), "RayCluster");
    cluster["metadata"]["namespace"] = "ml";
    cluster["metadata"]["name"] = name;
    return CreateReview(cluster, uid);
  }

  bool Base64DecodeTo(const json& text, const std::string& file) {
    if (!text.is_string()) return false;
    return RunCommand("printf %s " + ShellQuote(text.get<std::string>()) +
                      " | base64 -d > " + ShellQuote(file))
               .exit_code == 0;
  }
  std::string Dir(const std::string& name) const {
    return tmp_.path() + "/" + name;
  }

  TempDir tmp_;
  std::vector<json> objects_;
  std::unique_ptr<ServerProcess> server_;
  int port_ = -1;
};

TEST_F(CaBundleE2eTest, ValidatingWebhookAnswersOverTheConfiguredTls) {
  WebhookTarget target =
      Target("ValidatingWebhookConfiguration", Dir("bundle.crt"));
  EXPECT_EQ(target.host, "rayguard.ml-admission.svc");
  EXPECT_EQ(target.path, "/validate");

  HttpReply good =
      HttpsRequest(target.host, port_, target.path, Dir("bundle.crt"),
                   Review("train", "uid-good").dump());
  ASSERT_EQ(good.status, 200) << good.error << good.body;
  json response = json::parse(good.body, nullptr, false)["response"];
  EXPECT_EQ(response["uid"], "uid-good");
  EXPECT_EQ(response["allowed"], true) << good.body;

  HttpReply bad =
      HttpsRequest(target.host, port_, target.path, Dir("bundle.crt"),
                   Review(std::string(60, 'a'), "uid-bad").dump());
  ASSERT_EQ(bad.status, 200) << bad.error << bad.body;
  response = json::parse(bad.body, nullptr, false)["response"];
  EXPECT_EQ(response["uid"], "uid-bad");
  EXPECT_EQ(response["allowed"], false);
  EXPECT_THAT(response["status"]["message"].dump(), HasSubstr("metadata.name"));
}

TEST_F(CaBundleE2eTest, MutatingWebhookAnswersOverTheConfiguredTls) {
  WebhookTarget target =
      Target("MutatingWebhookConfiguration", Dir("bundle.crt"));
  EXPECT_EQ(target.path, "/mutate");
  HttpReply reply =
      HttpsRequest(target.host, port_, target.path, Dir("bundle.crt"),
                   Review("train", "uid-mutate").dump());
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  json response = json::parse(reply.body, nullptr, false)["response"];
  EXPECT_EQ(response["uid"], "uid-mutate");
  EXPECT_TRUE(response.contains("allowed")) << reply.body;
}

TEST_F(CaBundleE2eTest, ApiServerWouldRefuseAnotherNameOrCa) {
  WebhookTarget target =
      Target("ValidatingWebhookConfiguration", Dir("bundle.crt"));
  HttpReply wrong_name = HttpsRequest("rayguard.rayguard.svc", port_,
                                      "/healthz", Dir("bundle.crt"));
  EXPECT_EQ(wrong_name.status, 0) << "a name not in the certificate";
  EXPECT_THAT(wrong_name.error, HasSubstr("SSL"));

  CommandOutput other =
      RunCommand(ShellQuote(SourcePath("certs/generate")) +
                 " --namespace ml-admission --out " + ShellQuote(Dir("other")));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  HttpReply wrong_ca =
      HttpsRequest(target.host, port_, "/healthz", Dir("other/ca.crt"));
  EXPECT_EQ(wrong_ca.status, 0) << "a CA that did not sign the certificate";
  EXPECT_THAT(wrong_ca.error, HasSubstr("certificate"));

  HttpReply right =
      HttpsRequest(target.host, port_, "/healthz", Dir("bundle.crt"));
  EXPECT_EQ(right.status, 200) << right.error;
}

}  // namespace
}  // namespace rayguard::testing
