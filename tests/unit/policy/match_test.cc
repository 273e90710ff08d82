#include "webhook/policy/match.h"

#include <gtest/gtest.h>

namespace rayguard::policy {
namespace {

Resource RayCluster(nlohmann::json labels, std::string ns = "ml") {
  Resource r;
  r.object = {
      {"apiVersion", "ray.io/v1"},
      {"kind", "RayCluster"},
      {"metadata", {{"name", "train"}, {"namespace", ns}, {"labels", labels}}}};
  return r;
}

ResourceRule RayClusters(std::vector<std::string> operations = {"CREATE",
                                                                "UPDATE"}) {
  ResourceRule rule;
  rule.operations = std::move(operations);
  rule.api_groups = {"ray.io"};
  rule.api_versions = {"v1"};
  rule.resources = {"rayclusters"};
  return rule;
}

TEST(SelectorTest, EmptySelectorMatchesEverything) {
  EXPECT_TRUE(SelectorMatches({}, nlohmann::json::object()));
  EXPECT_TRUE(SelectorMatches({}, nullptr));
}

TEST(SelectorTest, MatchLabelsNeedEveryPair) {
  LabelSelector s;
  s.match_labels = {{"team", "ml"}, {"env", "prod"}};
  EXPECT_TRUE(
      SelectorMatches(s, {{"team", "ml"}, {"env", "prod"}, {"x", "y"}}));
  EXPECT_FALSE(SelectorMatches(s, {{"team", "ml"}}));
  EXPECT_FALSE(SelectorMatches(s, {{"team", "ml"}, {"env", "dev"}}));
}

TEST(SelectorTest, MatchExpressionsFollowTheOperators) {
  struct Case {
    std::string op;
    std::vector<std::string> values;
    nlohmann::json labels;
    bool want;
  };
  std::vector<Case> cases = {
      {"In", {"a", "b"}, {{"k", "a"}}, true},
      {"In", {"a", "b"}, {{"k", "c"}}, false},
      {"In", {"a"}, nlohmann::json::object(), false},
      {"NotIn", {"a"}, {{"k", "b"}}, true},
      {"NotIn", {"a"}, {{"k", "a"}}, false},
      {"NotIn", {"a"}, nlohmann::json::object(), true},  // absent key passes
      {"Exists", {}, {{"k", ""}}, true},
      {"Exists", {}, nlohmann::json::object(), false},
      {"DoesNotExist", {}, nlohmann::json::object(), true},
      {"DoesNotExist", {}, {{"k", "a"}}, false},
  };
  for (const Case& c : cases) {
    LabelSelector s;
    s.match_expressions = {{"k", c.op, c.values}};
    EXPECT_EQ(SelectorMatches(s, c.labels), c.want)
        << c.op << " " << c.labels.dump();
  }
}

TEST(RuleMatchTest, OperationsAndWildcards) {
  RequestAttributes a = AttributesOf(RayCluster({}));
  EXPECT_EQ(a.resource, "rayclusters");
  EXPECT_EQ(a.group, "ray.io");
  EXPECT_EQ(a.operation, "CREATE");
  EXPECT_TRUE(RuleMatches(RayClusters(), a, false));
  EXPECT_FALSE(RuleMatches(RayClusters({"DELETE"}), a, false));
  EXPECT_TRUE(RuleMatches(RayClusters({"*"}), a, false));
  ResourceRule all;
  all.operations = {"*"};
  all.api_groups = {"*"};
  all.api_versions = {"*"};
  all.resources = {"*"};
  EXPECT_TRUE(RuleMatches(all, a, false));
  all.resources = {"rayjobs"};
  EXPECT_FALSE(RuleMatches(all, a, false));
  all.resources = {"rayclusters/status"};  // a subresource only
  EXPECT_FALSE(RuleMatches(all, a, false));
}

TEST(RuleMatchTest, ResourceNamesAndScope) {
  RequestAttributes a = AttributesOf(RayCluster({}));
  ResourceRule rule = RayClusters();
  rule.resource_names = {"other"};
  EXPECT_FALSE(RuleMatches(rule, a, false));
  rule.resource_names = {"train"};
  EXPECT_TRUE(RuleMatches(rule, a, false));
  rule.scope = "Cluster";  // RayClusters are namespaced
  EXPECT_FALSE(RuleMatches(rule, a, false));
  rule.scope = "Namespaced";
  EXPECT_TRUE(RuleMatches(rule, a, false));
}

TEST(RuleMatchTest, MatchPolicyEquivalentAcceptsOtherServedVersions) {
  RequestAttributes a = AttributesOf(RayCluster({}));
  ResourceRule rule = RayClusters();
  rule.api_versions = {"v1alpha1"};
  EXPECT_FALSE(RuleMatches(rule, a, /*equivalent=*/false));
  EXPECT_TRUE(RuleMatches(rule, a, /*equivalent=*/true));
  MatchResources m;
  m.resource_rules = {rule};
  m.match_policy = "Exact";
  EXPECT_FALSE(MatchResourcesMatches(m, a));
  m.match_policy = "Equivalent";
  EXPECT_TRUE(MatchResourcesMatches(m, a));
}

TEST(MatchResourcesTest, ExcludeRulesWin) {
  RequestAttributes a = AttributesOf(RayCluster({}));
  MatchResources m;
  m.resource_rules = {RayClusters()};
  EXPECT_TRUE(MatchResourcesMatches(m, a));
  ResourceRule exclude = RayClusters({"CREATE"});
  exclude.resource_names = {"train"};
  m.exclude_resource_rules = {exclude};
  EXPECT_FALSE(MatchResourcesMatches(m, a));
}

TEST(MatchResourcesTest, ObjectSelectorMatchesNewOrOldObject) {
  MatchResources m;
  m.resource_rules = {RayClusters()};
  m.object_selector.match_labels = {{"tier", "gpu"}};
  Resource r = RayCluster({{"tier", "cpu"}});
  EXPECT_FALSE(MatchResourcesMatches(m, AttributesOf(r)));
  r.admission.operation = "UPDATE";
  r.admission.old_object = RayCluster({{"tier", "gpu"}}).object;
  EXPECT_TRUE(MatchResourcesMatches(m, AttributesOf(r)));
}

TEST(MatchResourcesTest, NamespaceSelectorUsesNamespaceObjectLabels) {
  MatchResources m;
  m.resource_rules = {RayClusters()};
  m.namespace_selector.match_expressions = {{"environment", "In", {"prod"}}};
  Resource r = RayCluster({});
  EXPECT_FALSE(MatchResourcesMatches(m, AttributesOf(r)));
  r.admission.namespace_object = {
      {"apiVersion", "v1"},
      {"kind", "Namespace"},
      {"metadata", {{"name", "ml"}, {"labels", {{"environment", "prod"}}}}}};
  EXPECT_TRUE(MatchResourcesMatches(m, AttributesOf(r)));
}

TEST(MatchResourcesTest, UnknownNamespaceHasOnlyItsNameLabel) {
  MatchResources m;
  m.resource_rules = {RayClusters()};
  m.namespace_selector.match_labels = {{"kubernetes.io/metadata.name", "ml"}};
  EXPECT_TRUE(MatchResourcesMatches(m, AttributesOf(RayCluster({}, "ml"))));
  EXPECT_FALSE(MatchResourcesMatches(m, AttributesOf(RayCluster({}, "dev"))));
  m.namespace_selector.match_labels = {
      {"kubernetes.io/metadata.name", "default"}};
  EXPECT_TRUE(MatchResourcesMatches(m, AttributesOf(RayCluster({}, ""))));
}

TEST(MatchResourcesTest, BindingWithoutRulesDoesNotConstrainResources) {
  MatchResources binding;  // e.g. only a namespaceSelector
  EXPECT_TRUE(MatchResourcesMatches(binding, AttributesOf(RayCluster({}))));
}

}  // namespace
}  // namespace rayguard::policy
