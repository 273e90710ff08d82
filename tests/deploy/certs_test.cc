// certs/generate: the serving certificate an API server will accept for the
// webhook Service, the Secret and caBundle that carry it, and rotation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tests/deploy/deploy_testing.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::nlohmann::json;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class CertsTest : public ::testing::Test {
 protected:
  CommandOutput Generate(const std::string& args) {
    return RunCommand(ShellQuote(SourcePath("certs/generate")) + " --out " +
                      ShellQuote(out()) + " " + args);
  }
  // `openssl verify` of tls.crt against ca.crt for `host` as a TLS server.
  CommandOutput Verify(const std::string& host) {
    return RunCommand("openssl verify -purpose sslserver -CAfile " +
                      ShellQuote(out() + "/ca.crt") + " -verify_hostname " +
                      ShellQuote(host) + " " + ShellQuote(out() + "/tls.crt"));
  }
  std::string Base64Of(const std::string& file) {
    CommandOutput run = RunCommand("base64 -w0 < " + ShellQuote(file));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return run.output;
  }
  std::string out() const { return dir_.path() + "/certs"; }

  TempDir dir_;
};

TEST_F(CertsTest, ServingCertificateNamesTheServiceAndChainsToTheCa) {
  CommandOutput run = Generate("--namespace ml-admission");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* host : {"rayguard.ml-admission.svc",
                           "rayguard.ml-admission.svc.cluster.local"}) {
    CommandOutput verify = Verify(host);
    EXPECT_EQ(verify.exit_code, 0) << host << ": " << verify.output;
  }
  CommandOutput wrong = Verify("rayguard.rayguard.svc");
  EXPECT_NE(wrong.exit_code, 0) << "a certificate for another namespace";
  EXPECT_THAT(wrong.output, HasSubstr("hostname mismatch"));
}

TEST_F(CertsTest, PrivateKeysAreReadableByTheOwnerOnly) {
  ASSERT_EQ(Generate("").exit_code, 0);
  for (const char* file : {"ca.key", "tls.key", "secret.yaml"}) {
    struct stat st;
    ASSERT_EQ(stat((out() + "/" + file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

TEST_F(CertsTest, SecretCarriesThePairAndTheCa) {
  ASSERT_EQ(Generate("--namespace ml-admission").exit_code, 0);
  json secret = LoadYamlDocument(out() + "/secret.yaml", "Secret");
  EXPECT_EQ(secret["type"], "kubernetes.io/tls");
  EXPECT_EQ(secret["metadata"]["name"], "rayguard-tls");
  EXPECT_EQ(secret["metadata"]["namespace"], "ml-admission");
  for (const char* key : {"tls.crt", "tls.key", "ca.crt"}) {
    EXPECT_EQ(secret["data"][key], Base64Of(out() + "/" + key)) << key;
  }
}

TEST_F(CertsTest, RerunRotatesTheServingCertificateAndKeepsTheCa) {
  ASSERT_EQ(Generate("").exit_code, 0);
  std::string ca = ReadFile(out() + "/ca.crt");
  std::string cert = ReadFile(out() + "/tls.crt");
  std::string key = ReadFile(out() + "/tls.key");
  ASSERT_EQ(Generate("").exit_code, 0);
  EXPECT_EQ(ReadFile(out() + "/ca.crt"), ca) << "the caBundle must not change";
  EXPECT_NE(ReadFile(out() + "/tls.crt"), cert);
  EXPECT_NE(ReadFile(out() + "/tls.key"), key);
  EXPECT_EQ(Verify("rayguard.rayguard.svc").exit_code, 0);
  ASSERT_EQ(Generate("--new-ca").exit_code, 0);
  EXPECT_NE(ReadFile(out() + "/ca.crt"), ca);
  EXPECT_EQ(Verify("rayguard.rayguard.svc").exit_code, 0);
}

TEST_F(CertsTest, RefusesNamesThatAreNotDnsLabels) {
  CommandOutput run = Generate("--namespace Not_A_Label");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, HasSubstr("'Not_A_Label' is not a DNS-1123 label"));
}

TEST_F(CertsTest, KustomizationInstallsTheSecretAndTheCaBundle) {
  if (FindProgram("kubectl").empty()) {
    GTEST_SKIP() << "kubectl is not installed (Debian 12 has no package for "
                    "it), so the generated kustomization cannot be built here";
  }
  ASSERT_EQ(Generate("--namespace ml-admission").exit_code, 0);
  std::vector<json> objects = Kustomize(out());
  json secret = FindObject(objects, "Secret", "rayguard-tls");
  EXPECT_EQ(secret["metadata"]["namespace"], "ml-admission");
  EXPECT_EQ(
      FindObject(objects, "Deployment", "rayguard")["metadata"]["namespace"],
      "ml-admission");
  std::string ca = Base64Of(out() + "/ca.crt");
  for (const char* kind :
       {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    json hook = FindObject(objects, kind)["webhooks"][0];
    EXPECT_EQ(hook["clientConfig"]["caBundle"], ca) << kind;
    EXPECT_EQ(hook["clientConfig"]["service"]["namespace"], "ml-admission");
    EXPECT_THAT(hook["namespaceSelector"]["matchExpressions"][0]["values"],
                UnorderedElementsAre("kube-system", "ml-admission"));
  }
}

TEST(CertsRepositoryTest, NoPrivateKeyIsCommitted) {
  if (FindProgram("git").empty()) GTEST_SKIP() << "git is not installed";
  CommandOutput tracked = RunCommand("git -C " + ShellQuote(SourcePath("")) +
                                     " ls-files certs manifests");
  if (tracked.exit_code != 0) GTEST_SKIP() << "not a git checkout";
  CommandOutput keys =
      RunCommand("cd " + ShellQuote(SourcePath("")) +
                 " && git grep -l 'PRIVATE KEY-----' -- certs manifests");
  EXPECT_EQ(keys.output, "") << "private keys in the repository";
}

}  // namespace
}  // namespace rayguard::testing
