// The real server's TLS settings, probed with the openssl command line as an
// auditor would: TLS 1.0/1.1 and weak cipher suites refused, TLS 1.2 (AEAD,
// forward secret) and 1.3 accepted with a verified certificate. The client
// side runs at OpenSSL security level 0, so a refusal is the server's.
#include <sys/wait.h>

#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::testing::HasSubstr;

struct Probe {
  int exit_code = -1;
  std::string output;
};

Probe RunCommand(const std::string& command) {
  Probe p;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return p;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof(buf), pipe)) p.output.append(buf, n);
  const int status = pclose(pipe);
  p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return p;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    RunOrFail("mkdir -p " + pki_->Path("policies"));
    server_ = new ServeProcess(
        {"--tls-cert", pki_->Path("server.crt"), "--tls-key",
         pki_->Path("server.key"), "--schemas", SourcePath("schemas"),
         "--policies", pki_->Path("policies")});
    ASSERT_TRUE(server_->WaitUntilListening()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
  }

  // One handshake (and nothing else) with `flags`.
  static Probe Handshake(const std::string& flags) {
    return RunCommand("timeout 20 openssl s_client -connect 127.0.0.1:" +
               std::to_string(server_->port()) + " -CAfile " +
               pki_->Path("ca.crt") + " -verify_return_error " + flags +
               " </dev/null");
  }

  static TestPki* pki_;
  static ServeProcess* server_;
};

TestPki* TlsTest::pki_ = nullptr;
ServeProcess* TlsTest::server_ = nullptr;

TEST_F(TlsTest, RefusesTls10And11) {
  for (const char* version : {"-tls1", "-tls1_1"}) {
    Probe p = Handshake(std::string(version) + " -cipher DEFAULT@SECLEVEL=0");
    EXPECT_NE(p.exit_code, 0) << version << "\n" << p.output;
    EXPECT_THAT(p.output, HasSubstr("alert protocol version")) << version;
  }
}

TEST_F(TlsTest, AcceptsTls12WithAnAeadSuite) {
  Probe p = Handshake("-tls1_2");
  ASSERT_EQ(p.exit_code, 0) << p.output;
  EXPECT_THAT(p.output, HasSubstr("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES"));
  EXPECT_THAT(p.output, HasSubstr("-GCM-SHA"));
  EXPECT_THAT(p.output, HasSubstr("Verification: OK"));
}

TEST_F(TlsTest, AcceptsTls13) {
  Probe p = Handshake("-tls1_3");
  ASSERT_EQ(p.exit_code, 0) << p.output;
  EXPECT_THAT(p.output, HasSubstr("New, TLSv1.3, Cipher is TLS_"));
  EXPECT_THAT(p.output, HasSubstr("Verification: OK"));
}

class WeakCipherTest : public TlsTest,
                       public ::testing::WithParamInterface<const char*> {};

// RC4, 3DES, NULL (no encryption), EXPORT, anonymous (no authentication),
// CBC with SHA-1 or SHA-384 MACs: a server that claims AEAD-only refuses all.
TEST_P(WeakCipherTest, IsRefused) {
  const std::string cipher = std::string(GetParam()) + "@SECLEVEL=0";
  if (RunCommand("openssl ciphers '" + cipher + "'").exit_code != 0) {
    GTEST_SKIP() << GetParam() << " is not in this OpenSSL client build";
  }
  Probe p = Handshake("-tls1_2 -cipher '" + cipher + "'");
  EXPECT_NE(p.exit_code, 0) << p.output;
  EXPECT_THAT(p.output, HasSubstr("alert handshake failure"));
}

INSTANTIATE_TEST_SUITE_P(
    Suites, WeakCipherTest,
    ::testing::Values("RC4-SHA", "DES-CBC3-SHA", "ECDHE-ECDSA-DES-CBC3-SHA",
                      "NULL-SHA256", "ECDHE-ECDSA-NULL-SHA", "EXP-RC4-MD5",
                      "AECDH-AES128-SHA", "ADH-AES128-GCM-SHA256",
                      "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
                      "ECDHE-RSA-AES128-SHA"),
    [](const auto& info) {
      std::string name = info.param;
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace rayguard::testing
