// Evaluation errors say which sub-expression failed: a policy author needs
// to see where a `no such key` came from.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string location;  // ErrorLocation: "line:column"
  std::string message;   // substring of the error message
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.expr; }

class ErrorLocationTest : public ::testing::TestWithParam<Row> {};

TEST_P(ErrorLocationTest, PointsAtTheFailingSubExpression) {
  const Row& row = GetParam();
  auto p = Compile(row.expr, Env::Admission());
  ASSERT_TRUE(p.ok()) << p.status().message();
  nlohmann::json object = {
      {"spec",
       {{"workerGroupSpecs",
         {{{"groupName", "a"}, {"maxReplicas", 2}}, {{"groupName", "b"}}}}}}};
  Activation act;
  act.Bind("object", &object);
  Value v = (*p)->Eval(act);
  ASSERT_TRUE(v.IsError()) << v.DebugString();
  EXPECT_THAT(std::string(v.error_message()),
              ::testing::HasSubstr(row.message));
  EXPECT_EQ(ErrorLocation(v, row.expr), row.location);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ErrorLocationTest,
    ::testing::Values(
        Row{"object.spec.headGroupSpec.rayStartParams", "1:12",
            "no such key: headGroupSpec"},
        Row{"object.spec.workerGroupSpecs.all(g, g.maxReplicas > 1)", "1:38",
            "no such key: maxReplicas"},
        Row{"object.spec.workerGroupSpecs[5]", "1:29", "index out of bounds"},
        Row{"{'a': 1}['b'] == 1", "1:9", "no such key"},
        Row{"1 + 2 > 0 && 9223372036854775807 + 1 > 0", "1:34",
            "integer overflow"},
        Row{"true &&\n  int('x') > 0", "2:3", "int"},
        Row{"'é' + 1 / 0 == 'x'", "1:9", "division by zero"},
        Row{"false || [1, 2].map(x, x / 0).size() > 0", "1:26",
            "division by zero"}));

TEST(ErrorLocationTest, DescribesLikeACompileError) {
  auto p = Compile("{'a': 1}.b", Env::Admission());
  ASSERT_TRUE(p.ok());
  Activation act;
  Value v = (*p)->Eval(act);
  EXPECT_EQ(DescribeError(v, "{'a': 1}.b"),
            "<input>:1:9: no such key: b\n | {'a': 1}.b\n | ........^");
}

TEST(ErrorLocationTest, UnknownForErrorsNotFromAnExpression) {
  Value v = Value::Error("boom");
  EXPECT_EQ(ErrorLocation(v, "x"), "");
  EXPECT_EQ(DescribeError(v, "x"), "boom");
}

}  // namespace
}  // namespace rayguard::cel
