// The runtime half of the Dockerfile: the file system scripts/image-rootfs
// lays out (and the image is made of) is enough to run `rayguard serve`
// with the Deployment's own arguments. The test copies it into an empty
// directory, adds what the kubelet would mount (the TLS Secret and the
// policies ConfigMap), runs the server chrooted into it as user 65532 and
// talks to it over HTTPS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/deploy/deploy_testing.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::nlohmann::json;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace fs = std::filesystem;

constexpr char kHost[] = "rayguard.rayguard.svc";

// How to enter the chroot: as root, switching to the image's user; else
// in a user namespace where we are root (and stay our own user outside).
std::vector<std::string> ChrootPrefix(const std::string& root) {
  std::string chroot = FindProgram("chroot");
  if (chroot.empty()) chroot = "/usr/sbin/chroot";
  if (geteuid() == 0) return {chroot, "--userspec=65532:65532", root};
  std::string unshare = FindProgram("unshare");
  if (unshare.empty() || RunCommand(unshare + " -r true").exit_code != 0) {
    return {};
  }
  return {unshare, "-r", chroot, root};
}

// The container's arguments from manifests/base/deployment.yaml, listening
// on a free loopback port instead of 0.0.0.0:8443.
std::vector<std::string> DeploymentArgs() {
  json deployment = LoadYamlDocument(
      SourcePath("manifests/base/deployment.yaml"), "Deployment");
  json container = deployment["spec"]["template"]["spec"]["containers"][0];
  std::vector<std::string> args;
  for (const json& arg : container["args"]) {
    std::string s = arg.get<std::string>();
    args.push_back(s.rfind("--listen=", 0) == 0 ? "--listen=127.0.0.1:0" : s);
  }
  return args;
}

class ImageRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifdef RAYGUARD_SANITIZED
    // The image root has no /proc, without which the sanitizer runtime
    // cannot find the stack bounds and reports false overflows whenever an
    // exception unwinds; the image ships the release build anyway.
    GTEST_SKIP() << "the image root runs the release build, not a sanitized one";
#endif
    root_ = tmp_.path() + "/root";
    prefix_ = ChrootPrefix(root_);
    CommandOutput layout =
        RunCommand(ShellQuote(SourcePath("scripts/image-rootfs")) + " " +
                   ShellQuote(BinaryPath()) + " " + ShellQuote(root_));
    ASSERT_EQ(layout.exit_code, 0) << layout.output;
    CommandOutput certs = RunCommand(ShellQuote(SourcePath("certs/generate")) +
                                     " --out " + ShellQuote(certs_dir()));
    ASSERT_EQ(certs.exit_code, 0) << certs.output;
    MountSecretAndPolicies();
  }

  // What the kubelet mounts, laid out as the kubelet lays it out: the
  // Secret's pair, readable by group 65532 (fsGroup), and policies/ as the
  // ConfigMap carries it (tests/ left out).
  void MountSecretAndPolicies() {
    MountSecret();
    std::map<std::string, std::string> policies;
    std::string src = SourcePath("policies");
    if (fs::is_directory(src)) {
      for (const auto& entry : fs::recursive_directory_iterator(src)) {
        std::string rel = entry.path().string().substr(src.size() + 1);
        std::string ext = entry.path().extension().string();
        if (!entry.is_regular_file() || rel.rfind("tests/", 0) == 0 ||
            (ext != ".yaml" && ext != ".yml")) {
          continue;
        }
        policies[rel] = entry.path().string();
      }
    }
    WriteKubeletVolume(policies, root_ + "/etc/rayguard/policies");
  }

  // Also how the kubelet applies an updated Secret.
  void MountSecret() {
    std::string tls = root_ + "/etc/rayguard/tls";
    WriteKubeletVolume({{"tls.crt", certs_dir() + "/tls.crt"},
                        {"tls.key", certs_dir() + "/tls.key"}},
                       tls);
    for (const char* file : {"tls.crt", "tls.key"}) {
      std::string real = fs::canonical(tls + "/" + file).string();
      fs::permissions(real, fs::perms::owner_read | fs::perms::group_read);
      if (geteuid() == 0) {
        ASSERT_EQ(chown(real.c_str(), 0, 65532), 0);
      }
    }
  }

  // The serial number of the certificate the server presents.
  std::string ServedSerial(int port) {
    return RunCommand("openssl s_client -connect 127.0.0.1:" +
                      std::to_string(port) + " -servername " + kHost +
                      " </dev/null 2>/dev/null | openssl x509 -noout -serial")
        .output;
  }
  std::string FileSerial(const std::string& file) {
    return RunCommand("openssl x509 -noout -serial -in " + ShellQuote(file))
        .output;
  }

  std::unique_ptr<ServerProcess> StartServer() {
    std::vector<std::string> argv = prefix_;
    argv.push_back("/usr/local/bin/rayguard");
    for (const std::string& arg : DeploymentArgs()) argv.push_back(arg);
    return std::make_unique<ServerProcess>(argv);
  }

  std::string certs_dir() const { return tmp_.path() + "/certs"; }

  TempDir tmp_;
  std::string root_;
  std::vector<std::string> prefix_;
};

TEST_F(ImageRootTest, HoldsNoShellOrToolsBesideRayguard) {
  for (const char* path : {"/bin/sh", "/usr/bin/sh", "/bin/bash",
                           "/usr/bin/env", "/usr/bin/apt-get"}) {
    EXPECT_FALSE(fs::exists(root_ + path)) << path;
  }
  int executables = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root_)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = entry.path().string().substr(root_.size());
    if ((entry.status().permissions() & fs::perms::owner_exec) ==
            fs::perms::none ||
        rel.find(".so") != std::string::npos) {
      continue;
    }
    ++executables;
    EXPECT_EQ(rel, "/usr/local/bin/rayguard");
  }
  EXPECT_EQ(executables, 1);
}

// The Dockerfile's runtime stage is this root and nothing else, entered
// as the Deployment's user; the paths the Deployment passes exist in it.
TEST_F(ImageRootTest, DockerfileShipsThisRootAsTheDeploymentUser) {
  std::string dockerfile = ReadFile(SourcePath("Dockerfile"));
  std::string runtime = dockerfile.substr(dockerfile.rfind("\nFROM ") + 1);
  EXPECT_THAT(runtime, StartsWith("FROM scratch\n"));
  EXPECT_THAT(dockerfile,
              ContainsRegex("scripts/image-rootfs [^ ]+/rayguard /rootfs\n"));
  EXPECT_THAT(runtime, HasSubstr("\nCOPY --from=build /rootfs/ /\n"));
  EXPECT_EQ(runtime.find("COPY"), runtime.rfind("COPY")) << "one COPY only";
  EXPECT_EQ(runtime.find("RUN"), std::string::npos);
  EXPECT_THAT(runtime,
              HasSubstr("\nENTRYPOINT [\"/usr/local/bin/rayguard\"]\n"));

  json deployment = LoadYamlDocument(
      SourcePath("manifests/base/deployment.yaml"), "Deployment");
  const json& pod = deployment["spec"]["template"]["spec"];
  EXPECT_THAT(
      runtime,
      HasSubstr("\nUSER " + pod["securityContext"]["runAsUser"].dump() + ":" +
                pod["securityContext"]["runAsGroup"].dump() + "\n"));
  for (const std::string& arg : DeploymentArgs()) {
    if (arg.rfind("--schemas=", 0) != 0) continue;
    std::string dir = arg.substr(arg.find('=') + 1);
    EXPECT_TRUE(fs::is_directory(root_ + dir)) << dir << " is not in the image";
  }
}

TEST_F(ImageRootTest, ServesHttpsWithTheDeploymentArguments) {
  if (prefix_.empty()) {
    GTEST_SKIP() << "chroot needs root or unprivileged user namespaces "
                    "(unshare -r), and neither is available here";
  }
  std::unique_ptr<ServerProcess> started = StartServer();
  ServerProcess& server = *started;
  int port = server.WaitForPort(std::chrono::seconds(30));
  ASSERT_GT(port, 0) << "rayguard did not start in the image root:\n"
                     << server.log();

  std::string ca = certs_dir() + "/ca.crt";
  for (const char* path : {"/healthz", "/readyz"}) {
    HttpReply reply = HttpsRequest(kHost, port, path, ca);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.error << reply.body;
  }

  json cluster = LoadYamlDocument(
      FixturePath("samples/ray-cluster.sample.yaml"), "RayCluster");
  cluster["metadata"]["namespace"] = "ml";
  cluster["metadata"]["name"] = std::string(60, 'a');
  HttpReply reply = HttpsRequest(kHost, port, "/validate", ca,
                                 CreateReview(cluster, "image-root-1").dump());
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  json response = json::parse(reply.body, nullptr, false)["response"];
  EXPECT_EQ(response["uid"], "image-root-1");
  EXPECT_EQ(response["allowed"], false);
  EXPECT_THAT(response["status"]["message"].dump(), HasSubstr("metadata.name"));

  EXPECT_EQ(server.Stop(), 0) << "SIGTERM must end the server cleanly:\n"
                              << server.log();
}

// The image carries no zoneinfo; RayCronJob time zones are checked against
// the names compiled into the binary, so they work there all the same.
TEST_F(ImageRootTest, ChecksRayCronJobTimeZonesWithoutZoneinfo) {
  if (prefix_.empty()) {
    GTEST_SKIP() << "chroot needs root or unprivileged user namespaces "
                    "(unshare -r), and neither is available here";
  }
  ASSERT_FALSE(fs::exists(root_ + "/usr/share/zoneinfo"));
  std::unique_ptr<ServerProcess> started = StartServer();
  ServerProcess& server = *started;
  int port = server.WaitForPort(std::chrono::seconds(30));
  ASSERT_GT(port, 0) << "rayguard did not start in the image root:\n"
                     << server.log();
  std::string ca = certs_dir() + "/ca.crt";
  json cron = LoadYamlDocument(
      FixturePath("samples/ray-cronjob-timezone.sample.yaml"), "RayCronJob");
  cron["metadata"]["namespace"] = "ml";
  const std::vector<std::pair<std::string, bool>> zones = {
      {"Asia/Taipei", true}, {"Asia/Taipeh", false}};
  for (const auto& [zone, allowed] : zones) {
    SCOPED_TRACE(zone);
    cron["spec"]["timeZone"] = zone;
    HttpReply reply = HttpsRequest(kHost, port, "/validate", ca,
                                   CreateReview(cron, "image-root-tz").dump());
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
    json response = json::parse(reply.body, nullptr, false)["response"];
    EXPECT_EQ(response["allowed"], allowed) << reply.body;
    if (!allowed) {
      EXPECT_THAT(response["status"]["message"].dump(),
                  HasSubstr("spec.timeZone"));
    }
  }
  EXPECT_EQ(server.Stop(), 0) << server.log();
}

}  // namespace
}  // namespace rayguard::testing

namespace rayguard::testing {
namespace {

// README "Rotate certificates", self-signed: re-running certs/generate keeps
// the CA, and the kubelet's swap of the Secret volume reaches the running
// server, which presents the new pair to clients that trust the same
// caBundle.
TEST_F(ImageRootTest, PicksUpARotatedSecretWithoutARestart) {
  if (prefix_.empty()) {
    GTEST_SKIP() << "chroot needs root or unprivileged user namespaces "
                    "(unshare -r), and neither is available here";
  }
  std::unique_ptr<ServerProcess> server = StartServer();
  int port = server->WaitForPort(std::chrono::seconds(30));
  ASSERT_GT(port, 0) << server->log();
  std::string before = ServedSerial(port);
  ASSERT_EQ(before, FileSerial(certs_dir() + "/tls.crt"));

  CommandOutput rotate = RunCommand(ShellQuote(SourcePath("certs/generate")) +
                                    " --out " + ShellQuote(certs_dir()));
  ASSERT_EQ(rotate.exit_code, 0) << rotate.output;
  std::string after = FileSerial(certs_dir() + "/tls.crt");
  ASSERT_NE(after, before);
  MountSecret();

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (ServedSerial(port) != after &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(ServedSerial(port), after) << server->log();
  HttpReply reply =
      HttpsRequest(kHost, port, "/readyz", certs_dir() + "/ca.crt");
  EXPECT_EQ(reply.status, 200) << reply.error;
}

}  // namespace
}  // namespace rayguard::testing
