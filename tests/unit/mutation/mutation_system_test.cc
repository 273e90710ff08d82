#include "webhook/mutation/mutation_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rayguard::mutation {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A mutator made of a lambda, to test the ordering and reinvocation rules
// on their own.
class FnMutator : public Mutator {
 public:
  using Fn = std::function<Status(json*, CheckResult*)>;
  FnMutator(std::string id, Reinvocation r, Fn fn)
      : id_(std::move(id)), reinvocation_(r), fn_(std::move(fn)) {}
  const std::string& id() const override { return id_; }
  Reinvocation reinvocation() const override { return reinvocation_; }
  Status Mutate(const Resource&, json* object, CheckResult* result,
                bool* changed) const override {
    ++calls;
    json before = *object;
    Status s = fn_(object, result);
    if (*object != before) *changed = true;
    return s;
  }
  mutable int calls = 0;

 private:
  std::string id_;
  Reinvocation reinvocation_;
  Fn fn_;
};

struct Built {
  std::unique_ptr<MutationSystem> system;
  std::vector<FnMutator*> mutators;
};

Built Build(std::vector<std::unique_ptr<FnMutator>> list, int max_passes = 5) {
  Built b;
  std::vector<std::unique_ptr<Mutator>> owned;
  for (auto& m : list) {
    b.mutators.push_back(m.get());
    owned.push_back(std::move(m));
  }
  b.system = std::make_unique<MutationSystem>(std::move(owned), max_passes);
  return b;
}

std::unique_ptr<FnMutator> Make(std::string id, Reinvocation r,
                                FnMutator::Fn fn) {
  return std::make_unique<FnMutator>(std::move(id), r, std::move(fn));
}

TEST(MutationSystemTest, RunsMutatorsOnceInOrderWithoutReinvocation) {
  std::vector<std::unique_ptr<FnMutator>> list;
  list.push_back(Make("policy/a", Reinvocation::kNever, [](json* o, auto*) {
    (*o)["x"] = "a";
    return Status::Ok();
  }));
  list.push_back(Make("policy/b", Reinvocation::kNever, [](json* o, auto*) {
    (*o)["x"] = (*o)["x"].get<std::string>() + "b";
    return Status::Ok();
  }));
  Built b = Build(std::move(list));
  json object = json::object();
  CheckResult result;
  ASSERT_TRUE(b.system->Mutate(Resource{}, &object, &result).ok());
  EXPECT_EQ(object["x"], "ab");
  EXPECT_EQ(b.mutators[0]->calls, 1);
  EXPECT_EQ(b.mutators[1]->calls, 1);
}

TEST(MutationSystemTest, ReinvokesIfNeededPoliciesAfterLaterChanges) {
  // "a" copies the team label into an annotation; "b", later in the order,
  // sets the label. Only a reinvocation lets "a" see it.
  std::vector<std::unique_ptr<FnMutator>> list;
  list.push_back(Make("policy/a", Reinvocation::kIfNeeded, [](json* o, auto*) {
    if (o->contains("label")) (*o)["annotation"] = (*o)["label"];
    return Status::Ok();
  }));
  list.push_back(Make("policy/b", Reinvocation::kNever, [](json* o, auto*) {
    (*o)["label"] = "ml";
    return Status::Ok();
  }));
  Built b = Build(std::move(list));
  json object = json::object();
  CheckResult result;
  ASSERT_TRUE(b.system->Mutate(Resource{}, &object, &result).ok());
  EXPECT_EQ(object, json({{"label", "ml"}, {"annotation", "ml"}}));
  EXPECT_EQ(b.mutators[0]->calls, 3);  // first pass, change, settled
  EXPECT_EQ(b.mutators[1]->calls, 1);
}

TEST(MutationSystemTest, NeverSettlingIsAnErrorNamingThePolicy) {
  std::vector<std::unique_ptr<FnMutator>> list;
  list.push_back(
      Make("policy/stable", Reinvocation::kIfNeeded, [](json* o, auto*) {
        (*o)["fixed"] = true;
        return Status::Ok();
      }));
  list.push_back(
      Make("policy/counter", Reinvocation::kIfNeeded, [](json* o, auto*) {
        (*o)["n"] = o->value("n", 0) + 1;
        return Status::Ok();
      }));
  Built b = Build(std::move(list), 4);
  json object = json::object();
  CheckResult result;
  Status s = b.system->Mutate(Resource{}, &object, &result);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("did not settle after 4 passes"));
  EXPECT_THAT(s.message(),
              HasSubstr("still changing the object: policy/counter"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr("policy/stable")));
}

TEST(MutationSystemTest, PrefixesAFailureWithTheMutatorId) {
  std::vector<std::unique_ptr<FnMutator>> list;
  list.push_back(Make("policy/broken", Reinvocation::kNever, [](json*, auto*) {
    return Status::InvalidArgument("bad patch");
  }));
  Built b = Build(std::move(list));
  json object = json::object();
  CheckResult result;
  EXPECT_EQ(b.system->Mutate(Resource{}, &object, &result).message(),
            "policy/broken: bad patch");
}

TEST(MutationSystemTest, ReportsAFindingOnceAcrossPasses) {
  std::vector<std::unique_ptr<FnMutator>> list;
  list.push_back(Make(
      "policy/warns", Reinvocation::kIfNeeded, [](json* o, CheckResult* r) {
        r->findings.push_back({Severity::kWarning, "policy/warns", "", "Policy",
                               "cannot evaluate", false, ""});
        (*o)["done"] = true;
        return Status::Ok();
      }));
  Built b = Build(std::move(list));
  json object = json::object();
  CheckResult result;
  ASSERT_TRUE(b.system->Mutate(Resource{}, &object, &result).ok());
  EXPECT_EQ(result.findings.size(), 1u);
}

}  // namespace
}  // namespace rayguard::mutation
