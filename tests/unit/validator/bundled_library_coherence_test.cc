// The bundled policy library is coherent: an object that the bundled
// rayguard-ray-container-limits mutation completes is not denied right after
// by the bundled rayguard-resource-requests-limits validation. Admission runs
// mutations first, then validations, so a mutation that "fixes" an object
// the validation still denies would only confuse the user.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

using nlohmann::json;

constexpr char kRequestsLimits[] = "policy/rayguard-resource-requests-limits";

// Findings of the requests-and-limits policy, as "path: message".
std::vector<std::string> RequestsLimitsFindings(const CheckResult& result) {
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    if (f.rule.rfind(kRequestsLimits, 0) == 0) out.push_back(f.ToString());
  }
  return out;
}

// Every KubeRay sample RayCluster, RayJob and RayService that the limits
// mutation changes (with the bundled example params of the `default`
// namespace) is denied by the validation before the whole bundled library's
// mutations and passes it after them.
TEST(BundledLibraryCoherenceTest, MutatedSamplesPassRequestsAndLimits) {
  ValidatorOptions options;
  options.schemas_dir = testing::SourcePath("schemas");
  options.policy_dirs = {testing::SourcePath("policies")};
  auto validator = Validator::Create(options);
  ASSERT_TRUE(validator.ok()) << validator.status().message();
  auto limits_only = mutation::NewMutationLayer(
      {{testing::SourcePath("policies/mutate-ray-container-limits.yaml")},
       testing::SourcePath("policies/params"),
       testing::SourcePath("schemas"),
       false});
  ASSERT_TRUE(limits_only.ok()) << limits_only.status().message();

  std::map<std::string, int> changed;  // kind -> samples the mutation changed
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::FixturePath("samples"))) {
    if (entry.path().extension() != ".yaml") continue;
    for (const json& doc : testing::LoadYamlDocuments(entry.path().string())) {
      std::string kind = doc.value("kind", "");
      if (kind != "RayCluster" && kind != "RayJob" && kind != "RayService") {
        continue;
      }
      SCOPED_TRACE(entry.path().filename().string() + " " + kind);
      Resource original;
      original.object = doc;
      json limited = doc;
      CheckResult limits_result;
      ASSERT_TRUE(
          (*limits_only)->Mutate(original, &limited, &limits_result).ok());
      if (json_patch::Diff(doc, limited).empty()) continue;
      ++changed[kind];
      // The mutation had something to do, so the validation denies the
      // object as submitted ...
      EXPECT_FALSE(
          RequestsLimitsFindings((*validator)->Check(original)).empty());
      // ... and allows it once the bundled mutations ran.
      auto mutated = (*validator)->Mutate(original);
      ASSERT_TRUE(mutated.ok()) << mutated.status().message();
      Resource after;
      after.object = mutated->object;
      std::vector<std::string> left =
          RequestsLimitsFindings((*validator)->Check(after));
      EXPECT_TRUE(left.empty()) << left[0] << "\n" << after.object.dump(1);
    }
  }
  // Most KubeRay samples size their Ray containers; these leave some
  // without limits or requests (ray-cluster.sandbox, ray-job.sample,
  // ray-service.high-throughput-llm among them).
  EXPECT_GE(changed["RayCluster"], 1);
  EXPECT_GE(changed["RayJob"], 3);
  EXPECT_GE(changed["RayService"], 2);
}

}  // namespace
}  // namespace rayguard
