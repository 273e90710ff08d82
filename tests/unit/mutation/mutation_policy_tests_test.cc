// `rayguard test` on mutating policies: expected mutated objects (inline,
// from a file, or `unchanged`), the readable differences a mismatch prints,
// and the hand-written expected objects of the bundled tests checked once
// more with python3-jsonpatch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "tests/unit/mutation/independent_patch.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/policy/policy_test_suite.h"

namespace rayguard::mutation {
namespace {

using nlohmann::json;
using policy::CaseOutcome;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

policy::MutationLoader Loader() {
  return [](const std::vector<std::string>& policies,
            const std::vector<std::string>& params)
             -> Result<std::unique_ptr<const MutatingLayer>> {
    auto layer = NewMutationLayer(
        {policies, "", testing::SourcePath("schemas"), false}, params);
    if (!layer.ok()) return layer.status();
    return std::unique_ptr<const MutatingLayer>(std::move(layer).value());
  };
}

// A PolicyTest written into a scratch folder, beside an expected object.
class MutationPolicyTestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("rayguard-mutation-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream((dir_ / name).string()) << text;
    return (dir_ / name).string();
  }

  // A test of the GPU scheduling policy on the bundled gpu-cluster.
  std::string GpuTest(const std::string& expect) {
    return Write(
        "test.yaml",
        "apiVersion: rayguard.io/v1\nkind: PolicyTest\n"
        "metadata: {name: gpu}\npolicies: [" +
            testing::SourcePath("policies/mutate-gpu-worker-scheduling.yaml") +
            "]\nresources: [" +
            testing::SourcePath(
                "policies/tests/resources/mutation-clusters.yaml") +
            "]\ncases:\n- name: c\n  resource: gpu-cluster\n"
            "  expect: " +
            expect + "\n");
  }

  std::filesystem::path dir_;
};

TEST_F(MutationPolicyTestsTest, PassesWhenTheMutatedObjectIsTheExpectedOne) {
  std::string expected = testing::ReadFile(
      testing::SourcePath("policies/tests/expected/gpu-cluster.yaml"));
  Write("expected.yaml", expected);
  auto cases = policy::RunPolicyTests(
      {GpuTest("{verdict: allow, objectFile: expected.yaml}")}, Loader());
  ASSERT_TRUE(cases.ok()) << cases.status().message();
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_TRUE((*cases)[0].passed)
      << ::testing::PrintToString((*cases)[0].failures);
  EXPECT_NE((*cases)[0].mutated, (*cases)[0].object);
}

TEST_F(MutationPolicyTestsTest, NamesEachDifferenceWithExpectedAndGotValues) {
  std::string expected = testing::ReadFile(
      testing::SourcePath("policies/tests/expected/gpu-cluster.yaml"));
  std::string::size_type at = expected.find("effect: NoSchedule");
  expected.replace(at, 18, "effect: NoExecute");
  Write("expected.yaml", expected);
  auto cases = policy::RunPolicyTests(
      {GpuTest("{verdict: allow, objectFile: expected.yaml}")}, Loader());
  ASSERT_TRUE(cases.ok()) << cases.status().message();
  EXPECT_FALSE((*cases)[0].passed);
  EXPECT_THAT((*cases)[0].failures,
              ElementsAre("mutated object differs from the expected object:",
                          "  spec.workerGroupSpecs[1].template.spec."
                          "tolerations[1].effect: expected \"NoExecute\", "
                          "got \"NoSchedule\""));
}

TEST_F(MutationPolicyTestsTest, UnchangedFailsWhenThePolicyChangesTheObject) {
  auto cases = policy::RunPolicyTests(
      {GpuTest("{verdict: allow, unchanged: true}")}, Loader());
  ASSERT_TRUE(cases.ok()) << cases.status().message();
  EXPECT_FALSE((*cases)[0].passed);
  EXPECT_THAT((*cases)[0].failures,
              ::testing::Contains(HasSubstr(
                  "spec.workerGroupSpecs[2].template.spec.tolerations: "
                  "expected nothing, got [{\"effect\":\"NoSchedule\"")));
}

TEST_F(MutationPolicyTestsTest, RejectsMalformedExpectations) {
  struct Case {
    std::string expect;
    std::string error;
  };
  const Case cases[] = {
      {"{verdict: allow, objectFile: missing.yaml}",
       "expect.objectFile: Invalid value: \"missing.yaml\""},
      {"{verdict: allow, object: {a: 1}, unchanged: true}",
       "expect.unchanged: Forbidden"},
      {"{verdict: allow, object: {a: 1}, objectFile: x.yaml}",
       "expect.objectFile: Forbidden"},
      {"{verdict: allow, unchanged: yes please}",
       "expect.unchanged: Invalid value: must be a boolean"},
  };
  for (const Case& c : cases) {
    auto run = policy::RunPolicyTests({GpuTest(c.expect)}, Loader());
    ASSERT_FALSE(run.ok()) << c.expect;
    EXPECT_THAT(run.status().message(), HasSubstr(c.error));
  }
  // Without mutation support an expected object cannot be honoured.
  auto run =
      policy::RunPolicyTests({GpuTest("{verdict: allow, unchanged: true}")});
  ASSERT_FALSE(run.ok());
  EXPECT_THAT(run.status().message(), HasSubstr("Forbidden: mutating"));
}

// The evidence: every patch the bundled tests produce, applied by
// python3-jsonpatch to the original, gives the hand-written expected object.
TEST(BundledMutationPolicyTestsTest, PatchesRebuildTheExpectedObjects) {
  auto cases =
      policy::RunPolicyTests({testing::SourcePath("policies/tests")}, Loader());
  ASSERT_TRUE(cases.ok()) << cases.status().message();
  std::vector<testing::PatchCase> patches;
  std::vector<const CaseOutcome*> mutated;
  for (const CaseOutcome& c : *cases) {
    EXPECT_TRUE(c.passed) << c.test << " / " << c.name;
    if (c.expected_object.is_null() || c.expected_object == c.object) continue;
    patches.push_back({c.object, json_patch::Diff(c.object, c.mutated)});
    mutated.push_back(&c);
  }
  ASSERT_GE(patches.size(), 4u);
  std::vector<json> independent = testing::ApplyIndependently(patches);
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(independent[i].value("result", json()),
              mutated[i]->expected_object)
        << mutated[i]->test << " / " << mutated[i]->name << ": "
        << patches[i].patch.dump();
  }
}

}  // namespace
}  // namespace rayguard::mutation
