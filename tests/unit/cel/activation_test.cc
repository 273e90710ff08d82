#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

TEST(ActivationTest, EvaluatesOverBorrowedJson) {
  nlohmann::json object = nlohmann::json::parse(
      R"({"spec": {"workerGroupSpecs": [{"minReplicas": 1, "maxReplicas": 3},
                                        {"minReplicas": 5, "maxReplicas": 2}]}})");
  auto p = Compile(
      "object.spec.workerGroupSpecs.filter(g, g.minReplicas > g.maxReplicas)"
      ".size()",
      Env::Admission());
  ASSERT_TRUE(p.ok()) << p.status().message();
  Activation act;
  act.Bind("object", &object);
  Value v = (*p)->Eval(act);
  ASSERT_EQ(v.kind(), Value::Kind::kInt) << v.DebugString();
  EXPECT_EQ(v.int_value(), 1);
}

TEST(ActivationTest, NullJsonBindsNull) {
  auto p = Compile("oldObject == null", Env::Admission());
  ASSERT_TRUE(p.ok());
  Activation act;
  act.Bind("oldObject", static_cast<const nlohmann::json*>(nullptr));
  EXPECT_TRUE((*p)->Eval(act).bool_value());
}

TEST(ActivationTest, LazyFieldsResolveOnceOnDemand) {
  Env env = Env::Admission();
  auto p = Compile("variables.x + variables.x", env);
  ASSERT_TRUE(p.ok());
  int calls = 0;
  Activation act;
  act.BindLazyFields("variables", [&](std::string_view f) -> std::optional<Value> {
    ++calls;
    if (f == "x") return Value::Int(21);
    return std::nullopt;
  });
  EXPECT_EQ((*p)->Eval(act).int_value(), 42);
  EXPECT_EQ(calls, 1);
  auto missing = Compile("variables.y", env);
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE((*missing)->Eval(act).IsError());
}

TEST(ActivationTest, DeclaredVariableNamesAreCheckedAtCompileTime) {
  Env env = Env::Admission();
  env.variable_names = {"groups"};
  EXPECT_TRUE(Compile("variables.groups", env).ok());
  EXPECT_FALSE(Compile("variables.grups", env).ok());
}

TEST(ActivationTest, UnboundVariableIsAnEvaluationError) {
  auto p = Compile("params.max", Env::Admission());
  ASSERT_TRUE(p.ok());
  Activation act;
  EXPECT_TRUE((*p)->Eval(act).IsError());
}

}  // namespace
}  // namespace rayguard::cel
