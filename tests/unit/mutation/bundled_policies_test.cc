// The mutation policies shipped in policies/, each on a fixture written for
// it, with the expected object written by hand. Every patch is also applied
// by python3-jsonpatch, and mutating a mutated object changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "tests/unit/mutation/independent_patch.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"

namespace rayguard::mutation {
namespace {

using nlohmann::json;

std::unique_ptr<MutationSystem> Layer(const std::string& policy_path) {
  auto layer = NewMutationLayer({{testing::SourcePath(policy_path)},
                                 testing::FixturePath("mutation/params"),
                                 testing::SourcePath("schemas"),
                                 false});
  EXPECT_TRUE(layer.ok()) << layer.status().message();
  return layer.ok() ? std::move(layer).value() : nullptr;
}

struct Mutated {
  json object;
  CheckResult result;
};

Mutated Mutate(const MutationSystem& layer, const json& object,
               const json& namespace_object = nullptr) {
  Resource r;
  r.object = object;
  r.admission.namespace_object = namespace_object;
  Mutated out{object, {}};
  Status s = layer.Mutate(r, &out.object, &out.result);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

json Fixture(const std::string& name) {
  return testing::LoadYamlDocument(testing::FixturePath("mutation/" + name));
}

struct Case {
  const char* policy;
  const char* input;
  const char* expected;  // same as input: nothing to change
  const char* namespace_object = nullptr;
};

const Case kCases[] = {
    {"policies/mutate-gpu-worker-scheduling.yaml", "gpu_worker_groups.yaml",
     "gpu_worker_groups.mutated.yaml"},
    {"policies/mutate-ray-container-limits.yaml",
     "containers_without_limits.yaml",
     "containers_without_limits.mutated.yaml"},
    {"policies/mutate-head-num-cpus.yaml", "head_with_workers.yaml",
     "head_with_workers.mutated.yaml"},
    {"policies/mutate-head-num-cpus.yaml", "head_without_workers.yaml",
     "head_without_workers.yaml"},
    {"policies/mutate-head-num-cpus.yaml", "gpu_worker_groups.yaml",
     "gpu_worker_groups.yaml"},  // num-cpus already chosen
    {"policies/mutate-standard-labels.yaml", "unlabelled_cluster.yaml",
     "unlabelled_cluster.mutated.yaml", "namespace_team_a.yaml"},
};

TEST(BundledMutationsTest, GiveTheHandWrittenObjectsWithBothPatchers) {
  std::vector<testing::PatchCase> patches;
  std::vector<json> expected;
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.policy) + " on " + c.input);
    auto layer = Layer(c.policy);
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->size(), 1u);
    json ns = c.namespace_object ? Fixture(c.namespace_object) : json();
    json input = Fixture(c.input);
    Mutated out = Mutate(*layer, input, ns);
    EXPECT_TRUE(out.result.findings.empty());
    EXPECT_EQ(out.object, Fixture(c.expected)) << out.object.dump(1);
    patches.push_back({input, json_patch::Diff(input, out.object)});
    expected.push_back(Fixture(c.expected));
    // Idempotence: the mutated object needs nothing more.
    Mutated again = Mutate(*layer, out.object, ns);
    EXPECT_EQ(json_patch::Diff(out.object, again.object), json::array());
  }
  std::vector<json> independent = testing::ApplyIndependently(patches);
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(independent[i].value("result", json()), expected[i])
        << kCases[i].input << ": " << patches[i].patch.dump();
  }
}

TEST(BundledMutationsTest, PatchesAreMinimalAndEscapeKeys) {
  auto layer = Layer("policies/mutate-standard-labels.yaml");
  ASSERT_NE(layer, nullptr);
  json input = Fixture("unlabelled_cluster.yaml");
  Mutated out = Mutate(*layer, input, Fixture("namespace_team_a.yaml"));
  EXPECT_EQ(json_patch::Diff(input, out.object), json::parse(R"([
    {"op":"add","path":"/metadata/labels/app.kubernetes.io~1part-of","value":"ray"},
    {"op":"add","path":"/metadata/labels/team","value":"ml-research"}])"));
}

// Every bundled mutation together, on every KubeRay sample RayCluster,
// RayJob and RayService: the result settles, a second run changes nothing,
// and python3-jsonpatch rebuilds the result from the patch.
TEST(BundledMutationsTest, AllTogetherAreIdempotentOnEveryKubeRaySample) {
  auto layer = NewMutationLayer({{testing::SourcePath("policies")},
                                 "",
                                 testing::SourcePath("schemas"),
                                 false});
  ASSERT_TRUE(layer.ok()) << layer.status().message();
  EXPECT_GE((*layer)->size(), 4u);
  std::vector<testing::PatchCase> patches;
  std::vector<json> mutated;
  std::map<std::string, int> changed;  // kind -> samples the mutations changed
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::FixturePath("samples"))) {
    if (entry.path().extension() != ".yaml") continue;
    for (const json& doc : testing::LoadYamlDocuments(entry.path().string())) {
      std::string kind = doc.value("kind", "");
      if (kind != "RayCluster" && kind != "RayJob" && kind != "RayService") {
        continue;
      }
      SCOPED_TRACE(entry.path().filename().string());
      Mutated out = Mutate(**layer, doc);
      EXPECT_TRUE(out.result.findings.empty());
      Mutated again = Mutate(**layer, out.object);
      EXPECT_EQ(json_patch::Diff(out.object, again.object), json::array());
      patches.push_back({doc, json_patch::Diff(doc, out.object)});
      if (!patches.back().patch.empty()) ++changed[kind];
      mutated.push_back(std::move(out.object));
    }
  }
  ASSERT_GE(patches.size(), 50u);
  // The samples have worker groups, so every embedded head gets num-cpus.
  EXPECT_GE(changed["RayCluster"], 20);
  EXPECT_GE(changed["RayJob"], 10);
  EXPECT_GE(changed["RayService"], 5);
  std::vector<json> independent = testing::ApplyIndependently(patches);
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(independent[i].value("result", json()), mutated[i]);
  }
}

}  // namespace
}  // namespace rayguard::mutation
