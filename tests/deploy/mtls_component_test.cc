// manifests/components/mtls as an operator installs it: built with
// `kubectl kustomize` on the self-signed overlay, and the real binary run
// with the resulting Deployment's arguments (paths mapped to local files).
// The pod becomes Ready through the kubelet's HTTPS probes, which present
// no client certificate, while a review needs the API server's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/deploy/deploy_testing.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

namespace fs = std::filesystem;
using ::nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kHost[] = "rayguard.rayguard.svc";

class MtlsComponentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindProgram("kubectl").empty()) {
      GTEST_SKIP() << "kubectl is not installed, so the manifests cannot be "
                      "built here";
    }
    // kustomize takes only relative paths to bases and components.
    const std::string overlay = tmp_.path() + "/overlay";
    fs::create_directories(overlay);
    const std::string manifests =
        fs::relative(SourcePath("manifests"), overlay).string();
    std::ofstream(overlay + "/kustomization.yaml")
        << "apiVersion: kustomize.config.k8s.io/v1beta1\n"
           "kind: Kustomization\nresources:\n- "
        << manifests << "/self-signed\ncomponents:\n- " << manifests
        << "/components/mtls\n";
    objects_ = Kustomize(overlay);
    deployment_ = FindObject(objects_, "Deployment", "rayguard");
    ASSERT_FALSE(deployment_.is_null());
  }

  json Container() const {
    return deployment_["spec"]["template"]["spec"]["containers"][0];
  }

  TempDir tmp_;
  std::vector<json> objects_;
  json deployment_;
};

TEST_F(MtlsComponentTest, MountsTheClientCaAndKeepsPlainHttpsProbes) {
  json container = Container();
  EXPECT_THAT(container["args"],
              Contains(json("--client-ca=/etc/rayguard/client-ca/ca.crt")));
  EXPECT_THAT(container["volumeMounts"],
              Contains(json{{"name", "client-ca"},
                            {"mountPath", "/etc/rayguard/client-ca"},
                            {"readOnly", true}}));
  bool volume = false;
  for (const json& v : deployment_["spec"]["template"]["spec"]["volumes"]) {
    volume |= v["name"] == "client-ca" &&
              v["configMap"]["name"] == "rayguard-client-ca";
  }
  EXPECT_TRUE(volume);
  // The kubelet cannot present a client certificate: the probes must be
  // paths rayguard answers without one.
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
}

TEST_F(MtlsComponentTest, BecomesReadyWithoutAClientCertificateAndGuardsReviews) {
  const std::string certs = tmp_.path() + "/certs";
  CommandOutput generated = RunCommand(ShellQuote(SourcePath("certs/generate")) +
                                       " --out " + ShellQuote(certs));
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  // The CA the API server's client certificate comes from, and that
  // certificate.
  const std::string pki = tmp_.path() + "/client";
  fs::create_directories(pki);
  CommandOutput client = RunCommand(
      "cd " + ShellQuote(pki) +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
      " -nodes -days 2 -subj /CN=client-ca -keyout ca.key -out ca.crt"
      " 2>/dev/null && openssl req -newkey ec -pkeyopt "
      "ec_paramgen_curve:prime256v1 -nodes -subj /CN=kube-apiserver -keyout "
      "apiserver.key -out apiserver.csr 2>/dev/null && printf "
      "'extendedKeyUsage=clientAuth\\n' > ext && openssl x509 -req -days 1 "
      "-in apiserver.csr -CA ca.crt -CAkey ca.key -set_serial 7 -extfile ext "
      "-out apiserver.crt 2>/dev/null");
  ASSERT_EQ(client.exit_code, 0) << client.output;

  // The Deployment's arguments, with its mount paths mapped to these files.
  std::vector<std::string> argv = {BinaryPath()};
  const json container = Container();
  for (const json& arg : container["args"]) {
    std::string s = arg.get<std::string>();
    auto map = [&s](const std::string& from, const std::string& to) {
      if (s.find(from) != std::string::npos) s.replace(s.find(from), from.size(), to);
    };
    map("0.0.0.0:8443", "127.0.0.1:0");
    map("/etc/rayguard/tls/tls.", certs + "/tls.");
    map("/etc/rayguard/client-ca/ca.crt", pki + "/ca.crt");
    map("/usr/share/rayguard/schemas", SourcePath("schemas"));
    map("/etc/rayguard/policies", SourcePath("policies"));
    argv.push_back(s);
  }
  ServerProcess server(argv);
  const int port = server.WaitForPort(std::chrono::seconds(30));
  ASSERT_GT(port, 0) << json(argv).dump() << "\n" << server.log();

  const std::string ca = certs + "/ca.crt";
  for (const char* probe : {"/readyz", "/healthz"}) {
    HttpReply reply = HttpsRequest(kHost, port, probe, ca);
    EXPECT_EQ(reply.status, 200) << probe << ": " << reply.error << reply.body;
  }
  const std::string review =
      CreateReview(LoadYamlDocument(FixturePath("samples/ray-cluster.sample.yaml"),
                                    "RayCluster"),
                   "mtls-1")
          .dump();
  HttpReply anonymous = HttpsRequest(kHost, port, "/validate", ca, review);
  EXPECT_EQ(anonymous.status, 403) << anonymous.error << anonymous.body;
  EXPECT_THAT(anonymous.body, HasSubstr("client certificate"));

  std::ofstream(tmp_.path() + "/review.json") << review;
  CommandOutput apiserver = RunCommand(
      "curl -sS --resolve " + std::string(kHost) + ":" + std::to_string(port) +
      ":127.0.0.1 --cacert " + ShellQuote(ca) + " --cert " +
      ShellQuote(pki + "/apiserver.crt") + " --key " +
      ShellQuote(pki + "/apiserver.key") +
      " -H 'Content-Type: application/json' --data-binary @" +
      ShellQuote(tmp_.path() + "/review.json") + " https://" + kHost + ":" +
      std::to_string(port) + "/validate");
  ASSERT_EQ(apiserver.exit_code, 0) << apiserver.output;
  json answer = json::parse(apiserver.output, nullptr, false);
  EXPECT_EQ(answer["response"]["uid"], "mtls-1") << apiserver.output;
  EXPECT_EQ(server.Stop(), 0) << server.log();
}

}  // namespace
}  // namespace rayguard::testing
