// `rayguard serve` and its certificates over time: client certificates
// with --client-ca (probes answered without one, reviews and metrics not),
// a rotated client CA that no resumed session can skip, allowed client
// names, and serving certificates outside their validity period.
#include <chrono>
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
using std::chrono::milliseconds;

constexpr long kDay = 24 * 3600;

class ServeTlsLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.MakeCa("ca");
    pki_.IssueServer("ca", "server");
    pki_.IssueClient("ca", "apiserver");
    pki_.MakeCa("other");
    pki_.IssueClient("other", "stranger");
    RunOrFail("mkdir -p " + pki_.Path("policies"));
    RunOrFail("cp " + pki_.Path("ca.crt") + " " + pki_.Path("client-ca.crt"));
  }

  // Serving the pair `pair`.crt/.key.
  std::vector<std::string> Args(std::vector<std::string> extra = {},
                                const std::string& pair = "server") const {
    std::vector<std::string> args = {
        "--tls-cert", pki_.Path(pair + ".crt"), "--tls-key",
        pki_.Path(pair + ".key"), "--schemas", SourcePath("schemas"),
        "--policies", pki_.Path("policies"), "--watch-interval", "0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  TlsConnection::Options As(const std::string& client, int port) const {
    TlsConnection::Options o{port, pki_.Path("ca.crt"), "", ""};
    if (!client.empty()) {
      o.client_cert = pki_.Path(client + ".crt");
      o.client_key = pki_.Path(client + ".key");
    }
    return o;
  }

  // The status of `method path` from a new connection as `client` ("" for
  // no certificate).
  int Status(int port, const std::string& client, const std::string& method,
             const std::string& path) const {
    TlsConnection c(As(client, port));
    const std::string body =
        method == "POST"
            ? ReadFile(FixturePath("admission/raycluster_create_v1.json"))
            : "";
    return c.Request(method, path, body, method == "POST" ? "application/json" : "")
        .status;
  }

  TestPki pki_;
};

TEST_F(ServeTlsLifecycleTest, ProbesNeedNoCertificateReviewsAndMetricsNeedOne) {
  ServeProcess server(Args({"--client-ca", pki_.Path("client-ca.crt")}));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  const int port = server.port();
  // kubelet's HTTPS probes present no certificate.
  EXPECT_EQ(Status(port, "", "GET", "/healthz"), 200);
  EXPECT_EQ(Status(port, "", "GET", "/readyz"), 200);
  for (const char* client : {"", "stranger"}) {
    EXPECT_EQ(Status(port, client, "POST", "/validate"), 403) << client;
    EXPECT_EQ(Status(port, client, "POST", "/mutate"), 403) << client;
    EXPECT_EQ(Status(port, client, "GET", "/metrics"), 403) << client;
  }
  TlsConnection anonymous(As("", port));
  HttpResponse refused = anonymous.Request(
      "POST", "/validate",
      ReadFile(FixturePath("admission/raycluster_create_v1.json")));
  EXPECT_EQ(refused.status, 403);
  EXPECT_THAT(json::parse(refused.body, nullptr, false).value("error", ""),
              HasSubstr("client certificate"));
  EXPECT_EQ(Status(port, "apiserver", "POST", "/validate"), 200);
  EXPECT_EQ(Status(port, "apiserver", "POST", "/mutate"), 200);
  EXPECT_EQ(Status(port, "apiserver", "GET", "/metrics"), 200);
}

TEST_F(ServeTlsLifecycleTest, RotatedClientCaAppliesAndOldSessionsCannotResume) {
  ServeProcess server(Args({"--client-ca", pki_.Path("client-ca.crt")}));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  const int port = server.port();

  // A session made with a trusted certificate...
  TlsConnection first(As("apiserver", port));
  ASSERT_EQ(first.Request("GET", "/metrics", "", "").status, 200);
  SSL_SESSION* session = first.Session();
  ASSERT_NE(session, nullptr);
  // ...resumes without presenting the certificate again (as TLS allows).
  TlsConnection::Options resume = As("", port);
  resume.session = session;
  {
    TlsConnection again(resume);
    ASSERT_EQ(again.Request("GET", "/metrics", "", "").status, 200);
    ASSERT_TRUE(again.resumed());
  }

  // The client CA is replaced.
  RunOrFail("cp " + pki_.Path("other.crt") + " " + pki_.Path("ca.tmp") +
            " && mv " + pki_.Path("ca.tmp") + " " + pki_.Path("client-ca.crt"));
  EXPECT_TRUE(Eventually(
      [&] { return Status(port, "stranger", "GET", "/metrics") == 200; }))
      << server.Log();
  EXPECT_EQ(Status(port, "apiserver", "POST", "/validate"), 403);

  // The old session is forgotten: a full handshake, and no certificate.
  TlsConnection after(resume);
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after.Request("GET", "/metrics", "", "").status, 403);
  EXPECT_FALSE(after.resumed());
  SSL_SESSION_free(session);
}

TEST_F(ServeTlsLifecycleTest, AllowedNamesRestrictTheClientCertificateSubject) {
  pki_.IssueClient("ca", "someone-else");
  ServeProcess server(Args({"--client-ca", pki_.Path("client-ca.crt"),
                            "--client-allowed-names", "front-proxy,apiserver"}));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  EXPECT_EQ(Status(server.port(), "apiserver", "POST", "/validate"), 200);
  EXPECT_EQ(Status(server.port(), "someone-else", "POST", "/validate"), 403);
  EXPECT_EQ(Status(server.port(), "someone-else", "GET", "/healthz"), 200);
}

TEST_F(ServeTlsLifecycleTest, ExpiredCertificateIsRefusedAtStartNamingNotAfter) {
  pki_.IssueServerValidBetween("ca", "expired", -10 * kDay, -kDay);
  ServeProcess server(Args({}, "expired"));
  EXPECT_FALSE(server.WaitUntilListening());
  EXPECT_EQ(server.WaitForExit(milliseconds(5000)), 2);
  EXPECT_THAT(server.Log(), HasSubstr("expired.crt: certificate expired (notAfter 20"));
}

TEST_F(ServeTlsLifecycleTest, NotYetValidCertificateIsRefusedAtStart) {
  pki_.IssueServerValidBetween("ca", "early", kDay, 10 * kDay);
  ServeProcess server(Args({}, "early"));
  EXPECT_FALSE(server.WaitUntilListening());
  EXPECT_EQ(server.WaitForExit(milliseconds(5000)), 2);
  EXPECT_THAT(server.Log(), HasSubstr("early.crt: certificate not valid yet (notBefore 20"));
}

TEST_F(ServeTlsLifecycleTest, ExpiredCertificateIsRefusedAtReloadAndTheOldPairKept) {
  pki_.IssueServerValidBetween("ca", "month", -60, 30 * kDay);
  ServeProcess server(Args({}, "month"));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  EXPECT_THAT(server.Log(), Not(HasSubstr("expires within 7 days")));
  pki_.IssueServerValidBetween("ca", "expired", -10 * kDay, -kDay);
  RunOrFail("cat " + pki_.Path("expired.key") + " > " + pki_.Path("month.key") +
            " && cat " + pki_.Path("expired.crt") + " > " + pki_.Path("month.crt"));
  EXPECT_TRUE(Eventually([&] {
    return server.Log().find("certificate expired (notAfter") != std::string::npos;
  })) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("certificate reload failed"));
  // The valid pair loaded at start still serves new connections.
  TlsConnection c(As("", server.port()));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.Request("GET", "/healthz", "", "").status, 200);
}

TEST_F(ServeTlsLifecycleTest, CertificateNearItsEndIsWarnedAboutAtStartAndReload) {
  pki_.IssueServerValidBetween("ca", "short", -3600, 3 * kDay);
  ServeProcess server(Args({}, "short"));
  ASSERT_TRUE(server.WaitUntilListening()) << server.Log();
  EXPECT_THAT(server.Log(), HasSubstr("serving certificate expires within 7 days"));
  EXPECT_THAT(server.Log(), HasSubstr("short.crt"));
  // Renewed with as short a life: warned about again at the reload.
  pki_.IssueServerValidBetween("ca", "short2", -60, 2 * kDay);
  RunOrFail("cat " + pki_.Path("short2.key") + " > " + pki_.Path("short.key") +
            " && cat " + pki_.Path("short2.crt") + " > " + pki_.Path("short.crt"));
  EXPECT_TRUE(Eventually([&] {
    const std::string log = server.Log();
    std::size_t count = 0;
    for (std::size_t at = log.find("expires within 7 days"); at != std::string::npos;
         at = log.find("expires within 7 days", at + 1)) {
      ++count;
    }
    return count >= 2;
  })) << server.Log();
}

}  // namespace
}  // namespace rayguard::testing
