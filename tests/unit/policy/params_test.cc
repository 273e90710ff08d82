#include "webhook/policy/params.h"

#include <gtest/gtest.h>

namespace rayguard::policy {
namespace {

nlohmann::json Param(std::string name, std::string ns, nlohmann::json labels) {
  nlohmann::json md = {{"name", name}, {"labels", labels}};
  if (!ns.empty()) md["namespace"] = ns;
  return {
      {"apiVersion", "rayguard.io/v1"}, {"kind", "Limits"}, {"metadata", md}};
}

std::vector<std::string> Names(const std::vector<const nlohmann::json*>& ps) {
  std::vector<std::string> out;
  for (const auto* p : ps) out.push_back((*p)["metadata"]["name"]);
  return out;
}

class ParamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Add(Param("b", "ml", {{"tier", "gpu"}}));
    store_.Add(Param("a", "ml", {{"tier", "cpu"}}));
    store_.Add(Param("a", "dev", {{"tier", "cpu"}}));
    store_.Add(Param("global", "", nlohmann::json::object()));
    nlohmann::json other = Param("a", "ml", {});
    other["kind"] = "Other";
    store_.Add(other);
  }
  ParamKind kind_{"rayguard.io/v1", "Limits"};
  ParamStore store_;
};

TEST_F(ParamStoreTest, NameLooksInTheObjectsNamespaceByDefault) {
  ParamRef ref;
  ref.name = "a";
  auto found = store_.Find(kind_, ref, "dev");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ((*found[0])["metadata"]["namespace"], "dev");
  EXPECT_TRUE(store_.Find(kind_, ref, "prod").empty());
  ref.namespace_name = "ml";
  found = store_.Find(kind_, ref, "dev");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ((*found[0])["metadata"]["namespace"], "ml");
}

TEST_F(ParamStoreTest, ClusterScopedParamsAreFoundFromAnyNamespace) {
  ParamRef ref;
  ref.name = "global";
  EXPECT_EQ(store_.Find(kind_, ref, "anywhere").size(), 1u);
}

TEST_F(ParamStoreTest, SelectorSelectsEveryMatchInOrder) {
  ParamRef ref;
  ref.selector = LabelSelector{};
  EXPECT_EQ(Names(store_.Find(kind_, ref, "ml")),
            (std::vector<std::string>{"global", "a", "b"}));
  ref.selector->match_labels = {{"tier", "gpu"}};
  EXPECT_EQ(Names(store_.Find(kind_, ref, "ml")),
            (std::vector<std::string>{"b"}));
}

TEST(ParamStoreLoadTest, MissingDirectoryHoldsNoParams) {
  auto store = ParamStore::Load({"/nonexistent/params"});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(store->size(), 0u);
}

}  // namespace
}  // namespace rayguard::policy
