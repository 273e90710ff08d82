#include "webhook/mutation/json_patch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "tests/unit/mutation/independent_patch.h"

namespace rayguard {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

struct DiffCase {
  const char* name;
  const char* original;
  const char* mutated;
  const char* patch;  // the expected patch, written by hand
};

const DiffCase kDiffCases[] = {
    {"equal documents", R"({"a":{"b":[1,2]}})", R"({"a":{"b":[1,2]}})", "[]"},
    {"key with a slash is escaped", R"({"metadata":{"labels":{"app":"x"}}})",
     R"({"metadata":{"labels":{"app":"x","ray.io/node-type":"head"}}})",
     R"([{"op":"add","path":"/metadata/labels/ray.io~1node-type","value":"head"}])"},
    {"key with a tilde is escaped", R"({"a":{}})", R"({"a":{"x~y/z":1}})",
     R"([{"op":"add","path":"/a/x~0y~1z","value":1}])"},
    {"deep scalar replaced in place",
     R"({"spec":{"workerGroupSpecs":[{"groupName":"g","replicas":1}]}})",
     R"({"spec":{"workerGroupSpecs":[{"groupName":"g","replicas":3}]}})",
     R"([{"op":"replace","path":"/spec/workerGroupSpecs/0/replicas","value":3}])"},
    {"member removed", R"({"a":1,"b":2})", R"({"a":1})",
     R"([{"op":"remove","path":"/b"}])"},
    {"element appended with -", R"({"t":[{"key":"a"}]})",
     R"({"t":[{"key":"a"},{"key":"nvidia.com/gpu","operator":"Exists"}]})",
     R"([{"op":"add","path":"/t/-","value":{"key":"nvidia.com/gpu","operator":"Exists"}}])"},
    {"append to an empty list", R"({"t":[]})", R"({"t":["x"]})",
     R"([{"op":"add","path":"/t/-","value":"x"}])"},
    {"element inserted at the front", R"(["b","c"])", R"(["a","b","c"])",
     R"([{"op":"add","path":"/0","value":"a"}])"},
    {"element inserted in the middle", R"(["a","c"])", R"(["a","b","c"])",
     R"([{"op":"add","path":"/1","value":"b"}])"},
    {"element removed from the middle", R"(["a","b","c"])", R"(["a","c"])",
     R"([{"op":"remove","path":"/1"}])"},
    {"tail removed highest index first", R"(["a","b","c","d"])", R"(["a","b"])",
     R"([{"op":"remove","path":"/3"},{"op":"remove","path":"/2"}])"},
    {"list emptied", R"({"l":[1,2]})", R"({"l":[]})",
     R"([{"op":"remove","path":"/l/1"},{"op":"remove","path":"/l/0"}])"},
    {"one field of one list element changed",
     R"({"containers":[{"name":"a"},{"name":"b","resources":{"limits":{}}}]})",
     R"({"containers":[{"name":"a"},{"name":"b","resources":{"limits":{"cpu":"1"}}}]})",
     R"([{"op":"add","path":"/containers/1/resources/limits/cpu","value":"1"}])"},
    {"two elements changed and one appended", R"([{"x":1},{"x":2}])",
     R"([{"x":5},{"x":2,"y":0},{"x":3}])",
     R"([{"op":"replace","path":"/0/x","value":5},{"op":"add","path":"/1/y","value":0},{"op":"add","path":"/-","value":{"x":3}}])"},
    {"new list added whole where there was none", R"({"spec":{}})",
     R"({"spec":{"tolerations":[{"key":"k"}]}})",
     R"([{"op":"add","path":"/spec/tolerations","value":[{"key":"k"}]}])"},
    {"type change replaces", R"({"a":{"b":1}})", R"({"a":"b"})",
     R"([{"op":"replace","path":"/a","value":"b"}])"},
    {"null becomes an object", R"({"a":null})", R"({"a":{"b":1}})",
     R"([{"op":"replace","path":"/a","value":{"b":1}}])"},
    {"integer becomes a float", R"({"a":1})", R"({"a":1.5})",
     R"([{"op":"replace","path":"/a","value":1.5}])"},
    {"whole document replaced", R"(1)", R"("x")",
     R"([{"op":"replace","path":"","value":"x"}])"},
    {"adds and removes across keys", R"({"b":1,"d":2,"e":{"f":1}})",
     R"({"a":0,"d":2,"e":{"g":1}})",
     R"([{"op":"add","path":"/a","value":0},{"op":"remove","path":"/b"},{"op":"remove","path":"/e/f"},{"op":"add","path":"/e/g","value":1}])"},
    {"empty key", R"({"":{"":1}})", R"({"":{"":2}})",
     R"([{"op":"replace","path":"//","value":2}])"},
};

TEST(JsonPatchDiffTest, ProducesTheMinimalPatchWrittenByHand) {
  for (const DiffCase& c : kDiffCases) {
    json patch =
        json_patch::Diff(json::parse(c.original), json::parse(c.mutated));
    EXPECT_EQ(patch, json::parse(c.patch)) << c.name;
  }
}

TEST(JsonPatchDiffTest, PatchesApplyToTheMutatedObjectWithBothImplementations) {
  std::vector<testing::PatchCase> cases;
  for (const DiffCase& c : kDiffCases) {
    cases.push_back({json::parse(c.original), json::parse(c.patch)});
  }
  std::vector<json> independent = testing::ApplyIndependently(cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const DiffCase& c = kDiffCases[i];
    json mutated = json::parse(c.mutated);
    EXPECT_EQ(independent[i].value("result", json()), mutated)
        << c.name << ": " << independent[i].dump();
    Result<json> ours = json_patch::Apply(cases[i].document, cases[i].patch);
    ASSERT_TRUE(ours.ok()) << c.name << ": " << ours.status().message();
    EXPECT_EQ(*ours, mutated) << c.name;
    EXPECT_EQ(json_patch::Diff(mutated, mutated), json::array()) << c.name;
  }
}

TEST(JsonPatchDiffTest, PolicyStyleEditsOfTheCompleteSampleGiveSmallPatches) {
  // A realistic object: edit a few fields the way the bundled policies do
  // and check both implementations rebuild the edit from the diff.
  json original = testing::LoadYamlDocument(
      testing::FixturePath("samples/ray-cluster.complete.yaml"), "RayCluster");
  json mutated = original;
  mutated["metadata"]["labels"]["app.kubernetes.io/managed-by"] = "rayguard";
  mutated["spec"]["headGroupSpec"]["rayStartParams"]["num-cpus"] = "0";
  json& worker = mutated["spec"]["workerGroupSpecs"][0]["template"]["spec"];
  worker["tolerations"].push_back({{"key", "nvidia.com/gpu"},
                                   {"operator", "Exists"},
                                   {"effect", "NoSchedule"}});
  worker["containers"][0].erase("lifecycle");
  json patch = json_patch::Diff(original, mutated);
  EXPECT_LE(patch.size(), 4u) << patch.dump();
  for (const json& op : patch) {
    EXPECT_NE(op["op"], "replace") << op.dump();
  }
  std::vector<json> independent =
      testing::ApplyIndependently({{original, patch}});
  EXPECT_EQ(independent[0].value("result", json()), mutated);
}

// Random edits (seeded, so failures reproduce) of a real RayCluster: insert,
// drop and change list elements and members at every depth.
void RandomEdit(json* node, std::mt19937* rng) {
  std::uniform_int_distribution<int> pick(0, 9);
  if (node->is_object() && !node->empty()) {
    auto it = std::next(node->begin(), (*rng)() % node->size());
    int roll = pick(*rng);
    if (roll == 0) {
      node->erase(it);
    } else if (roll == 1) {
      (*node)["added/~" + std::to_string((*rng)() % 100)] = roll;
    } else {
      RandomEdit(&*it, rng);
    }
  } else if (node->is_array() && !node->empty()) {
    std::size_t i = (*rng)() % node->size();
    int roll = pick(*rng);
    if (roll == 0) {
      node->erase(node->begin() + static_cast<std::ptrdiff_t>(i));
    } else if (roll == 1) {
      node->insert(node->begin() + static_cast<std::ptrdiff_t>(i), (*node)[i]);
      (*node)[i] = {{"inserted", i}};
    } else if (roll == 2) {
      node->push_back("appended");
    } else {
      RandomEdit(&(*node)[i], rng);
    }
  } else {
    *node = pick(*rng) < 5 ? json("changed") : json(pick(*rng));
  }
}

TEST(JsonPatchDiffTest,
     RandomEditsOfARealClusterRoundTripInBothImplementations) {
  const json original = testing::LoadYamlDocument(
      testing::FixturePath("samples/ray-cluster.complete.yaml"), "RayCluster");
  std::mt19937 rng(8);
  std::vector<json> mutated;
  std::vector<testing::PatchCase> cases;
  for (int i = 0; i < 200; ++i) {
    json m = original;
    for (int edits = 1 + i % 4; edits > 0; --edits) RandomEdit(&m, &rng);
    cases.push_back({original, json_patch::Diff(original, m)});
    mutated.push_back(std::move(m));
  }
  std::vector<json> independent = testing::ApplyIndependently(cases);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Result<json> ours = json_patch::Apply(original, cases[i].patch);
    ASSERT_TRUE(ours.ok()) << ours.status().message();
    EXPECT_EQ(*ours, mutated[i]) << cases[i].patch.dump();
    EXPECT_EQ(independent[i].value("result", json()), mutated[i])
        << cases[i].patch.dump() << " " << independent[i].dump();
  }
}

TEST(JsonPatchApplyTest, AppliesTheRfc6902Operations) {
  struct Case {
    const char* document;
    const char* patch;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
       R"({"foo":"bar","baz":"qux"})"},
      {R"({"foo":["bar","baz"]})",
       R"([{"op":"add","path":"/foo/1","value":"qux"}])",
       R"({"foo":["bar","qux","baz"]})"},
      {R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/1","value":"x"}])",
       R"({"foo":["bar","x"]})"},
      {R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])",
       R"({"foo":"bar"})"},
      {R"({"baz":"qux"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
       R"({"baz":"boo"})"},
      {R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
       R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
       R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
      {R"({"foo":["all","grass","cows","eat"]})",
       R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
       R"({"foo":["all","cows","eat","grass"]})"},
      {R"({"a":{"b":[1]}})", R"([{"op":"copy","from":"/a/b","path":"/c"}])",
       R"({"a":{"b":[1]},"c":[1]})"},
      {R"({"baz":"qux","foo":["a",2,"c"]})",
       R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
       R"({"baz":"qux","foo":["a",2,"c"]})"},
      {R"({"a/b":{"m~n":1}})",
       R"([{"op":"replace","path":"/a~1b/m~0n","value":2}])",
       R"({"a/b":{"m~n":2}})"},
      {R"({})", R"([{"op":"add","path":"","value":[1]}])", R"([1])"},
  };
  for (const Case& c : cases) {
    Result<json> out =
        json_patch::Apply(json::parse(c.document), json::parse(c.patch));
    ASSERT_TRUE(out.ok()) << c.patch << ": " << out.status().message();
    EXPECT_EQ(*out, json::parse(c.expected)) << c.patch;
  }
}

TEST(JsonPatchApplyTest, RejectsBadPatchesNamingTheOperation) {
  struct Case {
    const char* patch;
    const char* error;
  };
  const Case cases[] = {
      {R"({"op":"add"})", "must be an array"},
      {R"([{"op":"add","path":"/a/b","value":1}])",
       "patch operation 0 (add /a/b): member \"a\" not found"},
      {R"([{"op":"remove","path":"/missing"}])",
       "member \"missing\" not found"},
      {R"([{"op":"replace","path":"/list/2","value":1}])",
       "index 2 is out of range"},
      {R"([{"op":"add","path":"/list/3","value":1}])",
       "index 3 is out of range"},
      {R"([{"op":"replace","path":"/list/01","value":1}])",
       "\"01\" is not an array index"},
      {R"([{"op":"remove","path":"/list/-"}])", "\"-\" is not an array index"},
      {R"([{"op":"test","path":"/name","value":"y"}])",
       "test failed: value is \"x\""},
      {R"([{"op":"move","from":"/obj","path":"/obj/child"}])",
       "into its own child"},
      {R"([{"op":"frobnicate","path":"/name"}])", "unknown op \"frobnicate\""},
      {R"([{"op":"add","path":"/x"}])", "missing \"value\""},
      {R"([{"path":"/x"}])", "missing \"op\""},
      {R"([{"op":"copy","path":"/x"}])", "missing \"from\""},
      {R"([{"op":"add","path":"name","value":1}])", "must start with '/'"},
      {R"([{"op":"add","path":"/a~2","value":1}])", "bad '~' escape"},
      {R"([{"op":"remove","path":""}])", "cannot remove the whole document"},
      {R"([{"op":"add","path":"/name/x","value":1}])", "parent is a string"},
      {R"([{"op":"add","path":"/z","value":1},{"op":"test","path":"/z","value":2}])",
       "patch operation 1 (test /z)"},
  };
  const json document = json::parse(R"({"name":"x","list":[0,1],"obj":{}})");
  for (const Case& c : cases) {
    Result<json> out = json_patch::Apply(document, json::parse(c.patch));
    ASSERT_FALSE(out.ok()) << c.patch;
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(out.status().message(), HasSubstr(c.error)) << c.patch;
  }
}

TEST(JsonPatchApplyTest, ReportsWhetherTheDocumentChanged) {
  struct Case {
    const char* patch;
    bool changed;
  };
  const Case cases[] = {
      {R"([{"op":"replace","path":"/a","value":1}])", false},
      {R"([{"op":"add","path":"/a","value":1}])", false},
      {R"([{"op":"test","path":"/a","value":1}])", false},
      {R"([{"op":"add","path":"/l/0","value":0}])", true},  // inserts
      {R"([{"op":"replace","path":"/a","value":2}])", true},
      {R"([{"op":"add","path":"/b","value":1}])", true},
      {R"([{"op":"remove","path":"/a"}])", true},
  };
  for (const Case& c : cases) {
    json document = json::parse(R"({"a":1,"l":[0]})");
    bool changed = false;
    Status s =
        json_patch::ApplyInPlace(&document, json::parse(c.patch), &changed);
    ASSERT_TRUE(s.ok()) << c.patch << ": " << s.message();
    EXPECT_EQ(changed, c.changed) << c.patch;
  }
  json document = json::parse(R"({"a":1})");
  bool changed = false;
  EXPECT_FALSE(json_patch::ApplyInPlace(
                   &document,
                   json::parse(R"([{"op":"test","path":"/a","value":2}])"),
                   &changed)
                   .ok());
}

}  // namespace
}  // namespace rayguard
