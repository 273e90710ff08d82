// `rayguard test` loads a policy the way `check` and `serve` do, field
// checks against the generated schemas included: a misspelt field of
// `object` fails the policy's unit tests instead of the first admission.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard {
namespace {

using ::rayguard::testing::BinaryPath;
using ::rayguard::testing::ReadFile;
using ::testing::HasSubstr;

constexpr char kPolicy[] = R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: few-groups
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [ray.io]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [rayclusters]
  validations:
  - expression: size(object.spec.FIELD) < 3
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: few-groups
spec:
  policyName: few-groups
  validationActions: [Deny]
)";

constexpr char kTest[] = R"(apiVersion: rayguard.io/v1
kind: PolicyTest
metadata:
  name: few-groups
policies: [policy.yaml]
cases:
- name: no worker groups
  object:
    apiVersion: ray.io/v1
    kind: RayCluster
    metadata: {name: small, namespace: team-a}
    spec:
      headGroupSpec:
        template: {spec: {containers: [{name: ray-head, image: rayproject/ray:2.9.0}]}}
      workerGroupSpecs: []
  expect: {verdict: allow}
)";

struct TestRun {
  int exit_code = -1;
  std::string out, err;
};

// Writes the policy (with `field` selected) and its PolicyTest to a fresh
// directory and runs `rayguard test` on it.
TestRun RunPolicyTest(const std::string& field) {
  std::string dir = ::testing::TempDir();
  dir.append("/rayguard_test_cmd_").append(std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string policy = kPolicy;
  policy.replace(policy.find("FIELD"), 5, field);
  std::ofstream(dir + "/policy.yaml") << policy;
  std::ofstream(dir + "/policy_test.yaml") << kTest;
  std::string cmd = "'";
  cmd.append(BinaryPath()).append("' test '").append(dir).append("' >'");
  cmd.append(dir).append("/out' 2>'").append(dir).append("/err'");
  const int status = std::system(cmd.c_str());
  TestRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            ReadFile(dir + "/out"), ReadFile(dir + "/err")};
  std::filesystem::remove_all(dir);
  return r;
}

TEST(PolicyTestCommandTest, CorrectFieldPasses) {
  TestRun r = RunPolicyTest("workerGroupSpecs");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 passed, 0 failed"));
}

TEST(PolicyTestCommandTest, MisspeltFieldFailsToLoadWithAHint) {
  TestRun r = RunPolicyTest("workerGroupSpec");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("policy.yaml:13:17: "));
  EXPECT_THAT(r.err, HasSubstr("spec.validations[0].expression"));
  EXPECT_THAT(r.err, HasSubstr("no field workerGroupSpec in RayClusterSpec; "
                               "did you mean workerGroupSpecs?"));
}

}  // namespace
}  // namespace rayguard
