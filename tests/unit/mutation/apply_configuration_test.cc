#include "webhook/mutation/apply_configuration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "tests/testing/fixtures.h"
#include "tests/unit/mutation/independent_patch.h"
#include "webhook/mutation/json_patch.h"

namespace rayguard {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The RayCluster schema exactly as KubeRay ships it.
const json& RayClusterSchema() {
  static const json kSchema = [] {
    json crd = testing::LoadYamlDocument(
        testing::SourcePath("schemas/crds/ray.io_rayclusters.yaml"));
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
  }();
  return kSchema;
}

struct MergeCase {
  const char* name;
  const char* object;
  const char* applied;
  const char* expected;  // written by hand from the SSA rules
};

const MergeCase kCases[] = {
    {"containers merge by name, other fields kept",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"ray-head","image":"rayproject/ray:2.9.0"},
         {"name":"sidecar","image":"busybox"}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"sidecar","resources":{"limits":{"cpu":"1"}}}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"ray-head","image":"rayproject/ray:2.9.0"},
         {"name":"sidecar","image":"busybox","resources":{"limits":{"cpu":"1"}}}]}}}}})"},
    {"env entries update by name and new ones append",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","env":[{"name":"C","value":"3"},{"name":"A","value":"9"}]}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","env":[{"name":"A","value":"9"},{"name":"B","value":"2"},{"name":"C","value":"3"}]}]}}}}})"},
    {"ports merge on containerPort and protocol together",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","ports":[{"containerPort":6379,"protocol":"TCP","name":"gcs"}]}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","ports":[{"containerPort":6379,"protocol":"UDP","name":"u"},
                              {"containerPort":6379,"protocol":"TCP","name":"gcs-server"}]}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[
         {"name":"c","ports":[{"containerPort":6379,"protocol":"TCP","name":"gcs-server"},
                              {"containerPort":6379,"protocol":"UDP","name":"u"}]}]}}}}})"},
    {"atomic tolerations are replaced",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"tolerations":[{"key":"a"}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"tolerations":[{"key":"b"}]}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"tolerations":[{"key":"b"}]}}}}})"},
    {"atomic nodeSelector map is replaced",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"nodeSelector":{"zone":"a","gpu":"no"}}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"nodeSelector":{"gpu":"yes"}}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"nodeSelector":{"gpu":"yes"}}}}}})"},
    {"granular maps merge key by key",
     R"({"metadata":{"labels":{"team":"a","ray.io/x":"1"}},
         "spec":{"headGroupSpec":{"rayStartParams":{"port":"6379"}}}})",
     R"({"metadata":{"labels":{"team":"b","env":"prod"}},
         "spec":{"headGroupSpec":{"rayStartParams":{"num-cpus":"0"}}}})",
     R"({"metadata":{"labels":{"team":"b","ray.io/x":"1","env":"prod"}},
         "spec":{"headGroupSpec":{"rayStartParams":{"port":"6379","num-cpus":"0"}}}})"},
    {"finalizers are a set", R"({"metadata":{"finalizers":["a","b"]}})",
     R"({"metadata":{"finalizers":["b","c"]}})",
     R"({"metadata":{"finalizers":["a","b","c"]}})"},
    {"lists without a list type are atomic",
     R"({"spec":{"workerGroupSpecs":[{"groupName":"a","replicas":1},{"groupName":"b"}]}})",
     R"({"spec":{"workerGroupSpecs":[{"groupName":"a","replicas":2}]}})",
     R"({"spec":{"workerGroupSpecs":[{"groupName":"a","replicas":2}]}})"},
    {"missing parents are created", R"({"spec":{}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"priorityClassName":"high"}}}}})",
     R"({"spec":{"headGroupSpec":{"template":{"spec":{"priorityClassName":"high"}}}}})"},
};

TEST(ApplyConfigurationTest, MergesWithServerSideApplyRules) {
  std::vector<testing::PatchCase> patches;
  for (const MergeCase& c : kCases) {
    json object = json::parse(c.object);
    Status s = mutation::MergeApplyConfiguration(
        &object, json::parse(c.applied), &RayClusterSchema());
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.message();
    EXPECT_EQ(object, json::parse(c.expected)) << c.name;
    patches.push_back({json::parse(c.object),
                       json_patch::Diff(json::parse(c.object), object)});
  }
  // The patch /mutate would send rebuilds the expected object elsewhere too.
  std::vector<json> independent = testing::ApplyIndependently(patches);
  for (std::size_t i = 0; i < patches.size(); ++i) {
    EXPECT_EQ(independent[i].value("result", json()),
              json::parse(kCases[i].expected))
        << kCases[i].name;
  }
}

TEST(ApplyConfigurationTest, WithoutASchemaMergesObjectsAndReplacesLists) {
  json object = json::parse(R"({"a":{"x":1,"l":[1,2]}})");
  Status s = mutation::MergeApplyConfiguration(
      &object, json::parse(R"({"a":{"y":2,"l":[3]}})"), nullptr);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(object, json::parse(R"({"a":{"x":1,"y":2,"l":[3]}})"));
}

TEST(ApplyConfigurationTest, RejectsEntriesWithoutTheirListKey) {
  json object = json::parse(
      R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}})");
  Status s = mutation::MergeApplyConfiguration(
      &object,
      json::parse(
          R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}})"),
      &RayClusterSchema());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("spec.headGroupSpec.template.spec.containers[0].name: "
                        "Required value"));
}

TEST(ApplyConfigurationTest, RejectsDuplicateListKeys) {
  json object = json::parse(R"({"metadata":{}})");
  Status s = mutation::MergeApplyConfiguration(
      &object,
      json::parse(
          R"({"spec":{"headGroupSpec":{"template":{"spec":{"containers":[{"name":"c"},{"name":"c"}]}}}}})"),
      &RayClusterSchema());
  EXPECT_THAT(s.message(), HasSubstr("containers[1]: Duplicate value"));
}

TEST(ApplyConfigurationTest, RejectsANonObjectConfiguration) {
  json object = json::object();
  EXPECT_FALSE(
      mutation::MergeApplyConfiguration(&object, json::array(), nullptr).ok());
}

TEST(ApplyConfigurationTest, ReportsAChangeOnlyTheFirstTime) {
  json object = json::parse(R"({"metadata":{"labels":{"a":"1"}}})");
  json applied = json::parse(R"({"metadata":{"labels":{"b":"2"}}})");
  bool changed = false;
  ASSERT_TRUE(
      mutation::MergeApplyConfiguration(&object, applied, nullptr, &changed)
          .ok());
  EXPECT_TRUE(changed);
  changed = false;
  ASSERT_TRUE(
      mutation::MergeApplyConfiguration(&object, applied, nullptr, &changed)
          .ok());
  EXPECT_FALSE(changed);
}

}  // namespace
}  // namespace rayguard
