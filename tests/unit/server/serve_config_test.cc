#include "webhook/server/serve_config.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string WriteTemp(const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("rayguard-config-" + std::to_string(::getpid()) + ".yaml"))
                         .string();
  std::ofstream(path) << text;
  return path;
}

TEST(ServeConfigTest, ConfigFileSetsEveryKey) {
  const std::string path = WriteTemp(
      "listen: 127.0.0.1:9443\n"
      "tls-cert: /tls/tls.crt\n"
      "tls-key: /tls/tls.key\n"
      "client-ca: /tls/ca.crt\n"
      "schemas: /etc/rayguard/schemas\n"
      "policies: [/p1, /p2]\n"
      "feature-gates: {RayJobDeletionPolicy: true}\n"
      "params: /etc/rayguard/params\n"
      "strict: true\n"
      "skip-invalid-policies: true\n"
      "ratcheting: false\n"
      "log-format: json\n"
      "max-body-bytes: 1024\n"
      "threads: 8\n"
      "watch-interval: 0.5\n"
      "shutdown-delay: 5\n"
      "shutdown-grace: 30\n");
  ServeConfig c;
  ASSERT_TRUE(ApplyConfigFile(path, &c).ok());
  EXPECT_EQ(c.listen, "127.0.0.1:9443");
  EXPECT_EQ(c.tls.cert_file, "/tls/tls.crt");
  EXPECT_EQ(c.tls.key_file, "/tls/tls.key");
  EXPECT_EQ(c.tls.client_ca_file, "/tls/ca.crt");
  EXPECT_EQ(c.schemas_dir, "/etc/rayguard/schemas");
  EXPECT_THAT(c.policy_dirs, ElementsAre("/p1", "/p2"));
  EXPECT_TRUE(c.feature_gates.at("RayJobDeletionPolicy"));
  EXPECT_EQ(c.params_dir, "/etc/rayguard/params");
  EXPECT_TRUE(c.strict);
  EXPECT_TRUE(c.skip_invalid_policies);
  EXPECT_FALSE(c.ratcheting);  // on by default
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.max_body_bytes, 1024u);
  EXPECT_EQ(c.threads, 8);
  EXPECT_EQ(c.watch_interval.count(), 500);
  EXPECT_EQ(c.shutdown_delay.count(), 5000);
  EXPECT_EQ(c.shutdown_grace.count(), 30000);
  std::remove(path.c_str());
}

TEST(ServeConfigTest, RejectsUnknownKeysAndBadValues) {
  ServeConfig c;
  std::string path = WriteTemp("tls-crt: /typo\n");
  EXPECT_THAT(ApplyConfigFile(path, &c).message(), HasSubstr("unknown key \"tls-crt\""));
  path = WriteTemp("max-body-bytes: -1\n");
  EXPECT_THAT(ApplyConfigFile(path, &c).message(),
              HasSubstr("max-body-bytes: must be a positive integer"));
  path = WriteTemp("listen: [a\n");
  EXPECT_FALSE(ApplyConfigFile(path, &c).ok());
  EXPECT_FALSE(ApplyConfigFile("/nonexistent/serve.yaml", &c).ok());
  std::remove(path.c_str());
}

TEST(ServeConfigTest, ParsesFeatureGates) {
  auto gates = ParseFeatureGates("RayClusterMTLS=true,RayJobDeletionPolicy=false");
  ASSERT_TRUE(gates.ok());
  EXPECT_TRUE(gates->at("RayClusterMTLS"));
  EXPECT_FALSE(gates->at("RayJobDeletionPolicy"));
  EXPECT_FALSE(ParseFeatureGates("RayClusterMTLS=yes").ok());
  EXPECT_FALSE(ParseFeatureGates("=true").ok());
  EXPECT_FALSE(ParseFeatureGates("NoSuchGate=true").ok());
}

TEST(ServeConfigTest, ParsesListenAddresses) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseListen("0.0.0.0:8443", &host, &port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 8443);
  ASSERT_TRUE(ParseListen("[::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(ParseListen("8443", &host, &port).ok());
  EXPECT_FALSE(ParseListen("host:70000", &host, &port).ok());
  EXPECT_FALSE(ParseListen("host:", &host, &port).ok());
}

TEST(ServeConfigTest, ParsesSeconds) {
  EXPECT_EQ(ParseSeconds("1.5")->count(), 1500);
  EXPECT_FALSE(ParseSeconds("-1").ok());
  EXPECT_FALSE(ParseSeconds("soon").ok());
}

}  // namespace
}  // namespace rayguard::server
