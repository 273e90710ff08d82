// `rayguard serve` over time: certificate rotation, hot reload of
// schemas/policies and graceful SIGTERM (client certificates and
// certificate validity: serve_tls_lifecycle_test.cc).
#include <signal.h>

#include <chrono>
#include <filesystem>
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
using nlohmann::json;
using std::chrono::milliseconds;

std::string Review(const std::string& name) {
  return ReadFile(FixturePath("admission/" + name));
}

class ServeLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.MakeCa("ca");
    pki_.IssueServer("ca", "server");
    RunOrFail("mkdir -p " + pki_.Path("policies"));
  }

  std::vector<std::string> BaseArgs() const {
    return {"--tls-cert", pki_.Path("server.crt"), "--tls-key",
            pki_.Path("server.key"), "--schemas", SourcePath("schemas"),
            "--policies", pki_.Path("policies"), "--watch-interval", "0.1"};
  }

  TlsConnection::Options Trusting(const std::string& ca, int port) const {
    return {port, pki_.Path(ca + ".crt"), "", ""};
  }

  TestPki pki_;
};

TEST_F(ServeLifecycleTest, RotationKeepsOpenConnectionsAndServesTheNewPair) {
  ServeProcess server(BaseArgs());
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  TlsConnection kept(Trusting("ca", server.port()));
  ASSERT_EQ(kept.Request("GET", "/healthz", "", "").status, 200);

  // cert-manager style: a new CA and pair, swapped in by rename.
  pki_.MakeCa("ca2");
  pki_.IssueServer("ca2", "server2");
  RunOrFail("cp " + pki_.Path("server2.key") + " " + pki_.Path("k.tmp") +
            " && cp " + pki_.Path("server2.crt") + " " + pki_.Path("c.tmp") +
            " && mv " + pki_.Path("k.tmp") + " " + pki_.Path("server.key") +
            " && mv " + pki_.Path("c.tmp") + " " + pki_.Path("server.crt"));
  EXPECT_TRUE(Eventually(
      [&] { return TlsConnection(Trusting("ca2", server.port())).ok(); }))
      << server.Log();
  EXPECT_FALSE(TlsConnection(Trusting("ca", server.port())).ok());
  // The connection opened before the rotation still works.
  HttpResponse again =
      kept.Request("POST", "/validate", Review("raycluster_create_v1.json"));
  EXPECT_EQ(again.status, 200);

  // A broken pair is refused and the current one kept.
  RunOrFail("echo not-a-certificate > " + pki_.Path("server.crt"));
  EXPECT_TRUE(Eventually([&] {
    return server.Log().find("certificate reload failed") != std::string::npos;
  }));
  TlsConnection after(Trusting("ca2", server.port()));
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_THAT(after.Request("GET", "/metrics", "", "").body,
              HasSubstr("rayguard_certificate_reload_errors_total 1"));
}

TEST_F(ServeLifecycleTest, PolicyChangesReloadTheValidator) {
  ServeProcess server(BaseArgs());
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  // A real policy, so the gauge shows it was compiled, not just found.
  RunOrFail(
      "printf '%s\\n' '{\"apiVersion\": \"admissionregistration.k8s.io/v1\", "
      "\"kind\": \"ValidatingAdmissionPolicy\", \"metadata\": {\"name\": \"extra\"}, "
      "\"spec\": {\"matchConstraints\": {\"resourceRules\": [{\"apiGroups\": "
      "[\"ray.io\"], \"apiVersions\": [\"*\"], \"operations\": [\"CREATE\"], "
      "\"resources\": [\"rayclusters\"]}]}, \"validations\": [{\"expression\": "
      "\"true\"}]}}' > " +
      pki_.Path("policies/extra.yaml"));
  EXPECT_TRUE(Eventually([&] {
    return server.Log().find("schemas and policies reloaded") !=
           std::string::npos;
  })) << server.Log();
  TlsConnection c(Trusting("ca", server.port()));
  std::string metrics = c.Request("GET", "/metrics", "", "").body;
  EXPECT_THAT(metrics, HasSubstr("rayguard_policy_reloads_total 1"));
  EXPECT_THAT(metrics, HasSubstr("rayguard_policies_loaded 1"));
}

TEST_F(ServeLifecycleTest, SigtermFinishesTheRequestInFlightThenExitsZero) {
  std::vector<std::string> args = BaseArgs();
  // Long enough for a loaded machine to see /readyz fail before the
  // listener closes.
  args.insert(args.end(), {"--shutdown-delay", "2"});
  ServeProcess server(args);
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  TlsConnection in_flight(Trusting("ca", server.port()));
  const std::string request = TlsConnection::Format(
      "POST", "/validate", Review("raycluster_bad_name_v1.json"),
      "application/json");
  const std::size_t half = request.size() / 2;
  ASSERT_TRUE(in_flight.Send(request.substr(0, half)));

  server.Signal(SIGTERM);
  EXPECT_TRUE(Eventually([&] {
    return TlsConnection(Trusting("ca", server.port()))
               .Request("GET", "/readyz", "", "")
               .status == 503;
  }));
  // The listener closes once the delay is over.
  EXPECT_TRUE(Eventually(
      [&] { return !TlsConnection(Trusting("ca", server.port())).ok(); }));

  ASSERT_TRUE(in_flight.Send(request.substr(half)));
  HttpResponse r = in_flight.Read();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["response"]["allowed"], false);
  EXPECT_EQ(server.WaitForExit(milliseconds(20000)), 0) << server.Log();
}

TEST_F(ServeLifecycleTest, RefusesToStartWithABrokenKeyPair) {
  pki_.IssueServer("ca", "other");
  std::vector<std::string> args = BaseArgs();
  args[3] = pki_.Path("other.key");  // key of a different certificate
  ServeProcess server(args);
  EXPECT_FALSE(server.WaitUntilListening());
  EXPECT_EQ(server.WaitForExit(milliseconds(5000)), 2);
  EXPECT_THAT(server.Log(), HasSubstr("key does not match certificate"));
}

TEST_F(ServeLifecycleTest, ConfigFileSetsKeysAndFlagsWin) {
  const std::string config = pki_.Path("serve.yaml");
  RunOrFail("printf 'tls-cert: " + pki_.Path("server.crt") +
            "\\ntls-key: " + pki_.Path("server.key") +
            "\\nmax-body-bytes: 100\\nlisten: 127.0.0.1:1\\n' > " + config);
  // --listen from ServeProcess (127.0.0.1:0) overrides the file's port 1.
  ServeProcess server({"--config", config, "--schemas", SourcePath("schemas"),
                       "--policies", pki_.Path("policies")});
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  TlsConnection c(Trusting("ca", server.port()));
  EXPECT_EQ(c.Request("POST", "/validate", Review("raycluster_create_v1.json"))
                .status,
            413);  // max-body-bytes came from the file
}

}  // namespace
}  // namespace rayguard::testing
